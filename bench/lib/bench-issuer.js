// A one-run identity provider for the authenticated bench row: a fresh ES256 key, the
// Gatehouse policies that trust it, and the token every session sends.
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const ISSUER = "https://bench.gatehouse.test";
const AUDIENCE = "gatehouse-bench";

export async function createBenchIssuer() {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "ES256", use: "sig" };
  const token = await new SignJWT({ team: "bench", groups: ["load"] })
    .setProtectedHeader({ alg: "ES256", kid: "bench", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject("bench-user")
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(privateKey);
  // Three rules, one of each kind: what a small real policy looks like.
  const policies = `  policies:
    jwtAuth:
      mode: strict
      issuer: ${ISSUER}
      audiences: [${AUDIENCE}]
      jwks: ${JSON.stringify(JSON.stringify({ keys: [jwk] }))}
    mcpAuthorization:
      rules:
      - 'jwt.sub == "bench-user" && mcp.tool.name == "echo"'
      - deny: '"blocked" in jwt.groups'
      - require: 'jwt.team == "bench"'
`;
  return { token, policies };
}
