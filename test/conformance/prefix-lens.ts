import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, unknown>;

/**
 * The conformance suite asks for fixed names (`test_simple_text`, `test://static-text`). Behind
 * a gateway that prefixes, the same items are `<target>_test_simple_text` and
 * `<target>+test://static-text`: this lens, an HTTP hop between the suite and the gateway, adds
 * the target's prefix to every name the suite sends and takes it off every name it receives.
 * It checks as it goes: a name of the target that arrives without its prefix reaches the suite
 * as `unprefixed:<name>`, so the scenario that uses it fails. Names of the other targets
 * (`<other>_…`) pass unchanged; the suite sees them as extra items.
 */
export async function startPrefixLens(
  gatewayUrl: string,
  target: string,
  otherTargets: readonly string[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(gatewayUrl);
  const names = new NameLens(target, otherTargets);
  const server = createServer((req, res) => void relay(req, res, upstream, names));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class NameLens {
  constructor(
    private readonly target: string,
    private readonly others: readonly string[],
  ) {}

  /**
   * The `Mcp-Name` header mirrors the name in the body (2026-07-28): it gets the same prefix,
   * so that a header the suite sends wrong on purpose stays wrong.
   */
  outgoingName(header: string, method: unknown): string {
    const delimiter = method === "resources/read" ? "+" : "_";
    const encoded = /^=\?base64\?(.*)\?=$/.exec(header)?.[1];
    if (encoded === undefined) return this.prefix(header, delimiter);
    const name = this.prefix(Buffer.from(encoded, "base64").toString("utf8"), delimiter);
    return `=?base64?${Buffer.from(name).toString("base64")}?=`;
  }

  /** A name of the target, as the gateway exposes it; another target's name stays as it is. */
  private prefix(name: string, delimiter: string): string {
    if (this.others.some((other) => name.startsWith(other + delimiter))) return name;
    return this.target + delimiter + name;
  }

  /** What the suite sends: the names it asks for get the target's prefix. */
  outgoing(message: Json): void {
    const params = message.params as Json | undefined;
    if (!params) return;
    switch (message.method) {
      case "tools/call":
      case "prompts/get":
        params.name = this.prefix(String(params.name), "_");
        return;
      case "resources/read":
      case "resources/subscribe":
      case "resources/unsubscribe":
        params.uri = this.prefix(String(params.uri), "+");
        return;
      case "completion/complete": {
        const ref = params.ref as Json;
        if (ref.type === "ref/prompt") ref.name = this.prefix(String(ref.name), "_");
        else ref.uri = this.prefix(String(ref.uri), "+");
        return;
      }
    }
  }

  /** What the suite receives: prefixes come off, and a missing one is shown. */
  incoming(message: Json): void {
    const result = message.result as Json | undefined;
    const strip = (items: unknown, field: string, delimiter: string) => {
      for (const item of (items ?? []) as Json[]) {
        item[field] = this.strip(String(item[field]), delimiter);
      }
    };
    if (result) {
      strip(result.tools, "name", "_");
      strip(result.prompts, "name", "_");
      strip(result.resources, "uri", "+");
      strip(result.resourceTemplates, "uriTemplate", "+");
      strip(result.contents, "uri", "+");
      // Resources that tool results and prompts link or embed are named as in a list.
      const blocks = [
        ...((result.content ?? []) as Json[]),
        ...((result.messages ?? []) as Json[]).map((message) => message.content as Json),
      ];
      strip(
        blocks.filter((block) => block.type === "resource_link"),
        "uri",
        "+",
      );
      strip(
        blocks.filter((block) => block.type === "resource").map((block) => block.resource),
        "uri",
        "+",
      );
    }
    const error = message.error as Json | undefined;
    const missing = error?.data as Json | undefined;
    if (typeof missing?.uri === "string") missing.uri = this.strip(missing.uri, "+");
    if (message.method === "notifications/resources/updated") {
      const params = message.params as Json;
      params.uri = this.strip(String(params.uri), "+");
    }
  }

  private strip(name: string, delimiter: string): string {
    if (name.startsWith(this.target + delimiter)) return name.slice(this.target.length + 1);
    if (this.others.some((other) => name.startsWith(other + delimiter))) return name;
    return "unprefixed:" + name;
  }
}

async function relay(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: URL,
  names: NameLens,
): Promise<void> {
  let body = await readAll(req);
  const headers = { ...req.headers };
  if (body.length > 0 && req.headers["content-type"]?.includes("json")) {
    body = Buffer.from(
      rewrite(body.toString(), (message) => {
        const name = headers["mcp-name"];
        if (typeof name === "string")
          headers["mcp-name"] = names.outgoingName(name, message.method);
        names.outgoing(message);
      }),
    );
  }
  const forwarded = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      path: req.url,
      method: req.method,
      headers: resized(headers, body),
    },
    (answer) => {
      const type = answer.headers["content-type"] ?? "";
      if (type.includes("text/event-stream")) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        relayEvents(answer, res, names);
      } else if (type.includes("json")) {
        void readAll(answer).then((raw) => {
          const text = rewrite(raw.toString(), (message) => names.incoming(message));
          res.writeHead(answer.statusCode ?? 502, resized(answer.headers, text)).end(text);
        });
      } else {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    },
  );
  forwarded.on("error", () => res.destroy());
  res.on("close", () => forwarded.destroy());
  forwarded.end(body);
}

/** The headers of a body the lens rewrote: its new length, sent in one piece. */
function resized(headers: IncomingHttpHeaders, body: string | Buffer): IncomingHttpHeaders {
  const sized = { ...headers, "content-length": String(Buffer.byteLength(body)) };
  delete sized["transfer-encoding"];
  return sized;
}

/** SSE events are rewritten one by one as they arrive, so streams stay streams. */
function relayEvents(answer: IncomingMessage, res: ServerResponse, names: NameLens): void {
  let pending = "";
  answer.setEncoding("utf8");
  answer.on("data", (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf("\n\n")) !== -1) {
      const event = pending.slice(0, end + 2);
      pending = pending.slice(end + 2);
      res.write(
        event.replace(/^data: (.*)$/m, (_, data: string) => {
          return "data: " + rewrite(data, (message) => names.incoming(message));
        }),
      );
    }
  });
  answer.on("end", () => res.end(pending));
}

/** Applies `change` to each JSON-RPC message of a body (one, or a batch); other text stays. */
function rewrite(text: string, change: (message: Json) => void): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    if (typeof message === "object" && message !== null) change(message as Json);
  }
  return JSON.stringify(parsed);
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}
