import { afterEach, describe, expect, it } from "vitest";
import { everythingStdio, route, startGateway, type TestGateway } from "./harness";

describe("policies this version validates but does not enforce", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("are announced with a warning naming the route and the policies", async () => {
    const policies = {
      jwtAuth: { issuer: "me", jwks: { file: "./keys.json" } },
      mcpAuthorization: { rules: ['mcp.tool.name == "echo"'] },
      cors: { allowOrigins: ["*"] },
    };
    gw = await startGateway([route({ targets: [everythingStdio()] }, { policies })]);
    const warnings = gw.events.filter((e) => e.kind === "notice" && e.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: expect.stringMatching(
        /route "default" .*jwtAuth, mcpAuthorization validated but NOT enforced/,
      ),
    });
  });
});
