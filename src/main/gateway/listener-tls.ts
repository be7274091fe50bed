import { createPrivateKey, X509Certificate } from "node:crypto";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { createSecureContext, type SecureContext, type SecureContextOptions } from "node:tls";
import type { TlsSpec } from "../config/model";
import type { CompileContext, ConfigPath } from "./policies/compile-context";
import { opensslCiphers } from "./tls-cipher-suites";

/** A PEM file larger than this is no certificate bundle; it is refused before it is read. */
const MAX_PEM_BYTES = 1024 * 1024;

/** A listener's TLS, read from its files when the config compiles. */
export interface ListenerTls {
  /** What `https.createServer` and `setSecureContext` take: certificate, key, TLS settings. */
  options: SecureContextOptions;
  /** The same, made once, for the SNI callback that picks a listener's certificate. */
  context: SecureContext;
  /** Mutual TLS: clients must present a certificate that `root` issued. */
  requestCert: boolean;
}

/**
 * Reads a listener's certificate, key and client CA files (relative paths from the working
 * directory, as agentgateway and `jwks.file` do) and checks that they make a TLS identity.
 * Problems go to `ctx` at the key that names the file; undefined then.
 */
export async function compileListenerTls(
  spec: TlsSpec,
  ctx: CompileContext,
): Promise<ListenerTls | undefined> {
  const at = (key: string): ConfigPath => [...spec.path, key];
  const [cert, key, ca] = await Promise.all([
    readPem(spec.certFile, "certificate", at("cert"), ctx),
    readPem(spec.keyFile, "key", at("key"), ctx),
    spec.rootFile === undefined
      ? undefined
      : readPem(spec.rootFile, "root certificate", at("root"), ctx),
  ]);
  if (cert === undefined || key === undefined || (spec.rootFile !== undefined && !ca)) {
    return undefined;
  }
  const valid = [
    check(
      () => new X509Certificate(cert),
      at("cert"),
      `"${spec.certFile}" holds no PEM certificate`,
      ctx,
    ),
    check(
      () => createPrivateKey(key),
      at("key"),
      `"${spec.keyFile}" holds no unencrypted PEM private key`,
      ctx,
    ),
    !ca ||
      check(
        () => new X509Certificate(ca),
        at("root"),
        `"${spec.rootFile}" holds no PEM certificate`,
        ctx,
      ),
  ];
  if (!valid.every(Boolean)) return undefined;
  const options: SecureContextOptions = {
    cert,
    key,
    ...(ca && { ca }),
    ...(spec.minVersion && { minVersion: spec.minVersion }),
    ...(spec.maxVersion && { maxVersion: spec.maxVersion }),
    ...(spec.cipherSuites && { ciphers: opensslCiphers(spec.cipherSuites) }),
  };
  try {
    const context = createSecureContext(options);
    return { options, context, requestCert: ca !== undefined };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH") {
      ctx.problem(at("key"), `the key in "${spec.keyFile}" is not the key of the certificate`);
    } else {
      ctx.problem(spec.path, `these TLS settings cannot be served: ${message}`);
    }
    return undefined;
  }
}

async function readPem(
  file: string,
  what: string,
  path: ConfigPath,
  ctx: CompileContext,
): Promise<string | undefined> {
  try {
    const handle = await open(resolve(ctx.cwd, file));
    try {
      if ((await handle.stat()).size > MAX_PEM_BYTES) {
        ctx.problem(path, `the ${what} file "${file}" is larger than 1 MiB`);
        return undefined;
      }
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    ctx.problem(path, `the ${what} file "${file}" cannot be read (${reason})`);
    return undefined;
  }
}

function check(parse: () => unknown, path: ConfigPath, message: string, ctx: CompileContext) {
  try {
    parse();
    return true;
  } catch {
    ctx.problem(path, message);
    return false;
  }
}
