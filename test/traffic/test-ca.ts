import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM files on disk, as a config names them, and their text. */
export interface Pem {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/**
 * A certificate authority of the test's own, made with the openssl CLI in a temporary folder:
 * real certificates, as an HTTPS MCP server and a mutual-TLS client present them.
 */
export class TestCa {
  readonly dir = mkdtempSync(join(tmpdir(), "gatehouse-ca-"));
  readonly root: Pem;
  private serial = 1;

  constructor(name = "Gatehouse test CA") {
    const keyFile = this.file(`${slug(name)}.key`);
    const certFile = this.file(`${slug(name)}.pem`);
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile]);
    openssl(
      ["req", "-x509", "-new", "-key", keyFile, "-out", certFile, "-days", "2"].concat([
        "-subj",
        `/CN=${name}`,
      ]),
    );
    this.root = read(certFile, keyFile);
  }

  /** A certificate this CA signed, for a server's names (DNS or IP) or for a client. */
  issue(commonName: string, altNames: string[] = []): Pem {
    const base = this.file(`${slug(commonName)}-${this.serial}`);
    const keyFile = `${base}.key`;
    const certFile = `${base}.pem`;
    const extFile = `${base}.ext`;
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile]);
    openssl(["req", "-new", "-key", keyFile, "-out", `${base}.csr`, "-subj", `/CN=${commonName}`]);
    const names = altNames.map((n) =>
      /^[\d.]+$/.test(n) ? `IP:${n}` : /:\/\//.test(n) ? `URI:${n}` : `DNS:${n}`,
    );
    writeFileSync(
      extFile,
      names.length ? `subjectAltName=${names.join(",")}\n` : "basicConstraints=CA:FALSE\n",
    );
    openssl(
      [
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        this.root.certFile,
        "-CAkey",
        this.root.keyFile,
      ].concat([
        "-set_serial",
        String(this.serial++),
        "-out",
        certFile,
        "-days",
        "2",
        "-extfile",
        extFile,
      ]),
    );
    return read(certFile, keyFile);
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function read(certFile: string, keyFile: string): Pem {
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile, "utf8"),
    key: readFileSync(keyFile, "utf8"),
  };
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
