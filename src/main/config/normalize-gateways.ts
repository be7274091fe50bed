/**
 * The top-level `gateways`: each a port, with one listener (the gateway itself) or several
 * that share the port by host name. Policies written on a gateway or a listener become its
 * listener's layers; routes and `mcp` attach to them by name later.
 */
import type { PolicyConfigs } from "../gateway/policies/registry";
import type { ListenerSpec, PolicyLayer, TlsSpec, TlsVersion } from "./model";
import type { Report } from "./normalize-backends";
import type { RawConfig, RawGateway, RawTls } from "./schema";

type Path = (string | number)[];

const DEFAULT_ADDRESS = "127.0.0.1";

const TLS_VERSION: Record<NonNullable<RawTls["minTLSVersion"]>, TlsVersion> = {
  TLS_V1_2: "TLSv1.2",
  TLS_V1_3: "TLSv1.3",
};

/** The listeners of every gateway, and what `gateways: [...]` references name. */
export class Gateways {
  /** In config order: each gateway's listeners, in order. */
  readonly listeners: ListenerSpec[] = [];
  /** `<gateway>` names all the gateway's listeners, `<gateway>/<listener>` one of them. */
  private readonly byReference = new Map<string, ListenerSpec[]>();

  constructor(
    raw: RawConfig["gateways"],
    private readonly report: Report,
  ) {
    for (const [name, gateway] of Object.entries(raw ?? {})) this.add(name, gateway);
  }

  has(name: string): boolean {
    return this.byReference.has(name);
  }

  /**
   * The listeners that `gateways` names (a name or a list), each once; a name that is no
   * gateway or listener is a problem at `path`.
   */
  resolve(refs: string | string[] | undefined, path: Path): ListenerSpec[] {
    const listeners = new Set<ListenerSpec>();
    const list = typeof refs === "string" ? [refs] : (refs ?? []);
    list.forEach((ref, i) => {
      const found = this.byReference.get(ref);
      const at = typeof refs === "string" ? path : [...path, i];
      if (found) for (const listener of found) listeners.add(listener);
      else this.report(at, unknownReference(ref, this.byReference));
    });
    return [...listeners];
  }

  private add(name: string, raw: RawGateway) {
    const path: Path = ["gateways", name];
    const { port, address = DEFAULT_ADDRESS, protocol, tls, listeners, ...policies } = raw;
    if (!listeners?.length) {
      const own = { protocol, tls, policies };
      const listener = this.listener(name, { port, address }, "gateway", own, path);
      this.byReference.set(name, [listener]);
      return;
    }
    // agentgateway: with listeners, only the port (and here the address) is the gateway's.
    for (const key of ["protocol", "tls", ...Object.keys(policies)]) {
      if ((raw as Record<string, unknown>)[key] !== undefined) {
        this.report(
          [...path, key],
          `with "listeners", protocol, tls and policies are written on each listener`,
        );
      }
    }
    const own: ListenerSpec[] = [];
    const hostnames = new Map<string, string>();
    listeners.forEach((raw, i) => {
      const { name: listenerName = `listener${i}`, hostname, protocol, tls, ...policies } = raw;
      const at = [...path, "listeners", i];
      const reference = `${name}/${listenerName}`;
      if (this.byReference.has(reference)) {
        this.report([...at, "name"], `listener name "${listenerName}" is used twice`);
        return;
      }
      const socket = { port, address, hostname };
      const spec = this.listener(reference, socket, "listener", { protocol, tls, policies }, at);
      const host = spec.hostname ?? "*";
      const first = hostnames.get(host);
      if (first)
        this.report(
          [...at, "hostname"],
          `host name "${host}" is served by listener "${first}" already`,
        );
      hostnames.set(host, listenerName);
      this.byReference.set(reference, [spec]);
      own.push(spec);
    });
    this.checkSharedPort(own, path);
    this.byReference.set(name, own);
  }

  private listener(
    name: string,
    socket: { port: number; address: string; hostname?: string },
    attachment: "gateway" | "listener",
    raw: { protocol?: "HTTP" | "HTTPS"; tls?: RawTls; policies: Record<string, unknown> },
    path: Path,
  ): ListenerSpec {
    const policies = raw.policies as PolicyConfigs;
    const layers: PolicyLayer[] = Object.keys(policies).length
      ? [{ attachment, path, policies }]
      : [];
    const tls = listenerTls(raw, path, this.report);
    const spec: ListenerSpec = {
      name,
      address: socket.address,
      port: socket.port,
      // Host names are case-insensitive; requests are matched in lower case.
      ...(socket.hostname &&
        socket.hostname !== "*" && { hostname: socket.hostname.toLowerCase() }),
      ...(tls && { tls }),
      ...(layers.length > 0 && { policies: layers }),
      routes: [],
    };
    this.listeners.push(spec);
    return spec;
  }

  /**
   * Listeners of one port are one socket: all TLS or none (as agentgateway requires), and, for
   * TLS, all asking for client certificates or none, since a TLS server asks before it knows
   * which listener a request is for.
   */
  private checkSharedPort(listeners: ListenerSpec[], path: Path) {
    const [first, ...others] = listeners;
    if (!first) return;
    for (const other of others) {
      const at = [...path, "listeners", listeners.indexOf(other)];
      if (Boolean(other.tls) !== Boolean(first.tls)) {
        this.report(at, `listeners on port ${first.port} cannot mix TLS and plaintext`);
      } else if (Boolean(other.tls?.rootFile) !== Boolean(first.tls?.rootFile)) {
        this.report(
          [...at, "tls"],
          `listeners on port ${first.port} either all ask for client certificates (tls.root) or none does`,
        );
      }
    }
  }
}

function unknownReference(ref: string, known: Map<string, unknown>): string {
  const slash = ref.indexOf("/");
  if (slash !== -1 && known.has(ref.slice(0, slash))) {
    return `gateway "${ref.slice(0, slash)}" has no listener "${ref.slice(slash + 1)}"`;
  }
  return `gateway "${ref}" is not defined under "gateways"`;
}

/**
 * A listener's TLS: its `tls`, under agentgateway's rules (protocol HTTPS when tls is set,
 * HTTPS needs tls, HTTP cannot have it).
 */
export function listenerTls(
  raw: { protocol?: "HTTP" | "HTTPS"; tls?: RawTls },
  listenerPath: Path,
  report: Report,
): TlsSpec | undefined {
  const path = [...listenerPath, "tls"];
  if (!raw.tls) {
    if (raw.protocol === "HTTPS")
      report([...listenerPath, "protocol"], "protocol HTTPS requires tls");
    return undefined;
  }
  if (raw.protocol === "HTTP") {
    report(path, "protocol HTTP cannot set tls");
    return undefined;
  }
  const { cert, key, root, minTLSVersion, maxTLSVersion, cipherSuites } = raw.tls;
  if (minTLSVersion && maxTLSVersion && minTLSVersion > maxTLSVersion) {
    report([...path, "minTLSVersion"], "minTLSVersion is above maxTLSVersion");
  }
  return {
    path,
    certFile: cert,
    keyFile: key,
    ...(root !== undefined && { rootFile: root }),
    ...(minTLSVersion && { minVersion: TLS_VERSION[minTLSVersion] }),
    ...(maxTLSVersion && { maxVersion: TLS_VERSION[maxTLSVersion] }),
    ...(cipherSuites && { cipherSuites }),
  };
}
