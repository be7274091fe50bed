import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { CompileError, compileRuntime } from "../../src/main/gateway/runtime";
import { problemsOf } from "./expect-problems";

const config = (lines: string) => `mcp:
  targets: []
  policies:
    mcpAuthentication:
      audiences: [mcp]
      resourceMetadata: {}
      jwks: '{"keys": []}'
${lines
  .trim()
  .split("\n")
  .map((line) => `      ${line}`)
  .join("\n")}
`;

/** The problems compiling finds, by key path. */
async function compileProblems(yaml: string): Promise<string[]> {
  const error = await compileRuntime(parseConfig(yaml, "config.yaml", {}).gateway).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompileError);
  return (error as CompileError).problems.map((p) => `${p.path.join(".")}: ${p.message}`);
}

describe("mcpAuthentication: keys that only mean something together are refused apart", () => {
  it("clientId needs a provider; clientSecret needs entra and clientId", () => {
    expect(problemsOf(config("issuer: https://idp.example.com\nclientId: app"))).toEqual([
      "config.yaml:9:17: mcp.policies.mcpAuthentication.clientId: clientId needs a provider: without one, MCP clients go to the issuer itself and register there",
    ]);
    expect(
      problemsOf(
        config(
          "issuer: https://idp.example.com/realms/r\nprovider: {keycloak: {}}\nclientId: app\nclientSecret: s",
        ),
      ),
    ).toEqual([
      "config.yaml:11:21: mcp.policies.mcpAuthentication.clientSecret: clientSecret is only used with provider entra, whose token endpoint the gateway proxies; other providers' clients send their token requests to the provider itself",
    ]);
    expect(
      problemsOf(
        config(
          "issuer: https://login.microsoftonline.com/t/v2.0\nprovider: {entra: {}}\nclientSecret: s",
        ),
      ),
    ).toEqual([
      "config.yaml:10:21: mcp.policies.mcpAuthentication.clientSecret: clientSecret belongs to clientId: set clientId too",
    ]);
    expect(problemsOf(config("issuer: https://idp.example.com\nprovider: {}"))).toEqual([
      "config.yaml:9:17: mcp.policies.mcpAuthentication.provider: name one provider: auth0, keycloak, okta, descope, authentik, entra",
    ]);
  });

  it("with a provider, the issuer must be a URL, and Entra's must name the tenant", async () => {
    expect(await compileProblems(config("issuer: my-idp\nprovider: {okta: {}}"))).toEqual([
      'mcp.policies.mcpAuthentication.issuer: with provider okta, issuer must be the provider\'s http(s) URL, not "my-idp"',
    ]);
    expect(
      await compileProblems(
        config("issuer: https://login.microsoftonline.com/\nprovider: {entra: {}}\nclientId: app"),
      ),
    ).toEqual([
      'mcp.policies.mcpAuthentication.issuer: the Entra issuer "https://login.microsoftonline.com/" names no tenant: expected https://login.microsoftonline.com/<tenant>/v2.0 or https://sts.windows.net/<tenant>/',
    ]);
  });
});
