import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";

/** A test identity provider: a real key pair, its public JWKS, and tokens signed with it. */
export interface TestIssuer {
  issuer: string;
  jwks: { keys: JWK[] };
  sign(claims: JWTPayload, options?: { expiresIn?: string; kid?: string }): Promise<string>;
}

export async function testIssuer(
  issuer = "https://issuer.test",
  alg: "ES256" | "RS256" | "EdDSA" = "ES256",
  kid = `${alg.toLowerCase()}-key`,
): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return {
    issuer,
    jwks: { keys: [jwk] },
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid: options.kid ?? kid, typ: "JWT" })
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "10m")
        .sign(privateKey),
  };
}
