import { X509Certificate } from "node:crypto";
import {
  checkServerIdentity,
  createSecureContext,
  type ConnectionOptions,
  type PeerCertificate,
} from "node:tls";
import { Agent } from "undici";
import { z } from "zod";
import { evenBesideOtherProblems, stringList } from "../../config/schema-parts";
import type { CompileContext, ConfigPath } from "./compile-context";
import { readConfigFile } from "./config-file";
import { definePolicy, type CompiledPolicy, type Fetch } from "./policy";

/** agentgateway's key exchange groups, by the names OpenSSL knows them by. */
const KEY_EXCHANGE_GROUPS = {
  X25519: "X25519",
  "P-256": "P-256",
  "P-384": "P-384",
  X25519_MLKEM768: "X25519MLKEM768",
} as const;

const pemFile = (what: string) =>
  z.string().min(1).optional().describe(`${what}, relative to the working directory.`);

const backendTlsSchema = z
  .strictObject({
    root: pemFile("A PEM file of the CAs to trust instead of the system's"),
    cert: pemFile("A PEM client certificate to present (mutual TLS), with `key`"),
    key: pemFile("The PEM private key of `cert`"),
    hostname: z
      .string()
      .min(1)
      .optional()
      .describe("The name sent in SNI and checked in the certificate, instead of the URL's."),
    insecure: z.boolean().optional().describe("Skip every check of the target's certificate."),
    insecureHost: z
      .boolean()
      .optional()
      .describe("Check the certificate's chain, but not the name in it."),
    alpn: z
      .array(z.literal("http/1.1", { error: "Gatehouse speaks HTTP/1.1 to targets, and only it" }))
      .min(1)
      .optional()
      .describe('The protocols offered in ALPN: ["http/1.1"], the one Gatehouse speaks.'),
    subjectAltNames: stringList
      .min(1)
      .optional()
      .describe(
        "Names (DNS, IP or URI such as spiffe://...) of which the certificate must carry one, instead of the host name.",
      ),
    keyExchangeGroups: z
      .array(z.enum(Object.keys(KEY_EXCHANGE_GROUPS) as [keyof typeof KEY_EXCHANGE_GROUPS]))
      .min(1)
      .optional()
      .describe("The TLS key exchange groups offered, in order."),
    spiffe: z
      .never({
        error:
          "backendTLS.spiffe is not supported by Gatehouse: it needs a SPIFFE Workload API, which a standalone gateway does not have; write root, cert and key",
      })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.cert === undefined) !== (value.key === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [value.cert === undefined ? "cert" : "key"],
        message: "cert and key go together: a client certificate needs its key",
      });
    }
  }, evenBesideOtherProblems)
  .describe("TLS to the targets: HTTPS even for an http:// or host:port target.");

type BackendTlsConfig = z.infer<typeof backendTlsSchema>;

/**
 * The `backendTLS` policy, for HTTP targets: each request goes over HTTPS (a target written
 * as `host:port` or `http://` too, as agentgateway does once the policy is there) through a
 * connection pool of its own, which trusts `root` instead of the system's CAs, presents
 * `cert` for mutual TLS and checks the name `hostname`, `subjectAltNames` or the URL gives.
 * The files are read and checked when the config loads; a reload reads them again.
 */
export const backendTLS = definePolicy({
  key: "backendTLS",
  schema: backendTlsSchema,
  attachments: ["route", "backend", "target"],
  async compile(config, at, ctx): Promise<CompiledPolicy | undefined> {
    const options = await connectionOptions(config, at, ctx);
    if (!options) return undefined;
    // Not closed when a reload replaces the policy: sessions opened before it keep their
    // targets, and their requests still go through this pool. Its idle connections close
    // themselves (undici's keep-alive timeout), and it goes with the last session that used it.
    const agent = new Agent({ connect: options });
    return { wrapFetch: (next) => overTls(next, agent) };
  },
});

function overTls(next: Fetch, agent: Agent): Fetch {
  return (url, init) => {
    // `dispatcher` is undici's, which Node's fetch is: the DOM's RequestInit lacks it.
    const through = { ...init, dispatcher: agent } as unknown as RequestInit;
    return next(https(url), through);
  };
}

/** The URL with https, where the config wrote http or no scheme at all. */
function https(url: string | URL | Request): string | URL | Request {
  const text = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
  if (!text.startsWith("http:")) return url;
  const secure = `https:${text.slice("http:".length)}`;
  return url instanceof Request ? new Request(secure, url) : secure;
}

/** The TLS options of every connection, with the files read and checked; undefined on a problem. */
async function connectionOptions(
  config: BackendTlsConfig,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<ConnectionOptions | undefined> {
  const written = (["root", "cert", "key"] as const).filter((key) => config[key] !== undefined);
  const files = await Promise.all(
    written.map((key) => readConfigFile(config[key] as string, [...at, key], ctx)),
  );
  if (files.includes(undefined)) return undefined;
  const pem = Object.fromEntries(written.map((key, i) => [key, files[i] as string]));
  const { root: ca, cert, key } = pem;
  if (ca !== undefined && !holdsCertificate(ca)) {
    ctx.problem([...at, "root"], "the file holds no PEM certificate to trust");
    return undefined;
  }
  const options: ConnectionOptions = { ca, cert, key };
  if (config.hostname) options.servername = config.hostname;
  if (config.alpn) options.ALPNProtocols = config.alpn;
  if (config.keyExchangeGroups) {
    const groups = config.keyExchangeGroups.map((group) => KEY_EXCHANGE_GROUPS[group]);
    const missing = config.keyExchangeGroups.filter((_, i) => !available(groups[i] as string));
    if (missing.length > 0) {
      const openssl = `OpenSSL ${process.versions.openssl}`;
      ctx.problem(
        [...at, "keyExchangeGroups"],
        `this Node's ${openssl} lacks ${missing.join(", ")}`,
      );
      return undefined;
    }
    options.ecdhCurve = groups.join(":");
  }
  if (config.insecure) {
    options.rejectUnauthorized = false;
  } else if (config.insecureHost) {
    options.checkServerIdentity = () => undefined;
  } else if (config.subjectAltNames) {
    options.checkServerIdentity = namesOneOf(config.subjectAltNames);
  }
  try {
    // What each connection will do with these, done once now: bad PEM, or a key that does not
    // fit its certificate, fails the load rather than every request.
    createSecureContext(options);
  } catch (error) {
    ctx.problem(at, `the TLS settings do not work: ${(error as Error).message}`);
    return undefined;
  }
  return options;
}

/** Whether a CA bundle holds a certificate: a file of none would trust nothing, silently. */
function holdsCertificate(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((block) => {
    try {
      return Boolean(new X509Certificate(block));
    } catch {
      return false;
    }
  });
}

/** Whether this Node's OpenSSL offers a key exchange group. */
function available(group: string): boolean {
  try {
    createSecureContext({ ecdhCurve: group });
    return true;
  } catch {
    return false;
  }
}

/**
 * agentgateway's `subjectAltNames`: the certificate must name one of them, whatever host the
 * URL has. A URI (spiffe://...) must be one of its URI names; anything else is checked as a
 * host name or IP address is.
 */
function namesOneOf(names: string[]): ConnectionOptions["checkServerIdentity"] {
  return (_host: string, cert: PeerCertificate) => {
    const uris = (cert.subjectaltname ?? "").split(", ");
    for (const name of names) {
      const matches = name.includes("://")
        ? uris.includes(`URI:${name}`)
        : checkServerIdentity(name, cert) === undefined;
      if (matches) return undefined;
    }
    return new Error(
      `the target's certificate names none of backendTLS.subjectAltNames (${names.join(", ")})`,
    );
  };
}
