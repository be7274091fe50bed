import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import type { OpenApiTargetSpec } from "../../src/main/config/model";
import { ConfigError } from "../../src/main/config/problems";
import { PET_STORE_DOCUMENT } from "../relay/pet-store-api";
import { problemsOf } from "./expect-problems";

let dir: string;
let docServer: Server;
let docOrigin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-openapi-config-"));
  await writeFile(join(dir, "openapi.json"), JSON.stringify(PET_STORE_DOCUMENT));
  docServer = createServer((req, res) => {
    if (req.url === "/api/v3/openapi.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(PET_STORE_DOCUMENT));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => docServer.listen(0, "127.0.0.1", resolve));
  docOrigin = `http://127.0.0.1:${(docServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => docServer.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** The one target of an `mcp:` config whose targets are written by `targets`. */
function targetOf(yaml: string): OpenApiTargetSpec {
  return parseConfig(yaml, "config.yaml", {}).gateway.listeners[0]?.routes[0]?.backend
    .targets[0] as OpenApiTargetSpec;
}

/**
 * What compiling the config says, as the user reads it (`file:line:col: path: message`): its
 * problems, or else its warnings. Relative files are read from the test's folder.
 */
async function compiled(yaml: string): Promise<{ problems: string[]; warnings: string[] }> {
  const loaded = parseConfig(yaml, "config.yaml", {});
  try {
    const warnings = await withCompiledConfig(loaded, { cwd: dir }, async (runtime) =>
      runtime.warnings.map((w) => loaded.locate(w.path, w.message)),
    );
    return { problems: [], warnings: warnings.map((w) => `${w.line}:${w.col}: ${w.message}`) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      problems: error.problems.map((p) => `${p.line}:${p.col}: ${p.path}: ${p.message}`),
      warnings: [],
    };
  }
}

/** An `mcp:` config with one openapi target whose document is `doc`, written to `name`. */
async function withDocument(name: string, doc: unknown): Promise<string> {
  await writeFile(join(dir, name), JSON.stringify(doc));
  return `mcp:
  targets:
  - name: api
    openapi:
      host: localhost:8080
      schema: {file: ${name}}
`;
}

const doc = (paths: unknown, extra: Record<string, unknown> = {}) => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  paths,
  ...extra,
});

describe("openapi targets as agentgateway's documentation writes them", () => {
  it("a schema file and host:port", () => {
    const yaml = `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
    cors:
      allowOrigins:
        - "*"
      allowHeaders:
        - "*"
  targets:
  - name: openapi
    openapi:
      schema:
        file: openapi.json
      host: localhost:8080
`;
    expect(targetOf(yaml)).toEqual({
      kind: "openapi",
      name: "openapi",
      url: "http://localhost:8080/",
      schema: { file: "openapi.json" },
      schemaPath: ["mcp", "targets", 0, "openapi", "schema"],
    });
  });

  it("a schema URL, an inline schema, a host URL, and the binds form of the example", () => {
    const url = `mcp:
  statefulMode: stateless
  targets:
  - name: openapi
    openapi:
      schema:
        url: http://localhost:8080/api/v3/openapi.json
      host: localhost:8080
`;
    expect(targetOf(url).schema).toEqual({ url: "http://localhost:8080/api/v3/openapi.json" });
    const inline = `mcp:
  targets:
  - name: openapi
    openapi:
      schema: |
        {"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{}}
      host: http://host.docker.internal:8080
`;
    expect(targetOf(inline)).toMatchObject({
      url: "http://host.docker.internal:8080/",
      schema: '{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{}}\n',
    });
    const binds = `binds:
- port: 3000
  listeners:
  - routes:
    - backends:
      - mcp:
          targets:
          - name: openapi
            openapi:
              schema:
                file: ./examples/mcp-openapi/openapi.json
              host: localhost:8080
      policies:
        cors:
          allowOrigins:
          - "*"
          allowHeaders:
          - content-type
          - mcp-protocol-version
          - mcp-session-id
          exposeHeaders:
          - mcp-session-id
          - mcp-protocol-version
          maxAge: 5m
`;
    expect(targetOf(binds)).toMatchObject({
      kind: "openapi",
      schema: { file: "./examples/mcp-openapi/openapi.json" },
      schemaPath: [
        "binds",
        0,
        "listeners",
        0,
        "routes",
        0,
        "backends",
        0,
        "mcp",
        "targets",
        0,
        "openapi",
        "schema",
      ],
    });
  });

  it("host, port and path together, the path naming no more than /", () => {
    const yaml = `mcp:
  targets:
  - name: api
    openapi: {host: 10.0.0.7, port: 8080, path: /, schema: {file: openapi.json}}
`;
    expect(targetOf(yaml).url).toBe("http://10.0.0.7:8080/");
  });

  it("a host backend named instead of a host, as agentgateway allows (no path needed)", () => {
    const yaml = `backends:
- name: petstore
  host: localhost:8080
mcp:
  targets:
  - name: openapi
    openapi:
      backend: petstore
      schema: {file: openapi.json}
`;
    expect(targetOf(yaml)).toMatchObject({ kind: "openapi", url: "http://localhost:8080/" });
  });
});

describe("openapi target mistakes in the config", () => {
  it("a path, which agentgateway would silently ignore, is refused", () => {
    expect(
      problemsOf(`mcp:
  targets:
  - name: api
    openapi: {host: "http://localhost:8080/api/v3", schema: {file: openapi.json}}
`),
    ).toEqual([
      'config.yaml:4:21: mcp.targets[0].openapi.host: an openapi target\'s requests go to the paths of its document (under the path of its "servers" URL): "/api/v3" would be ignored; leave the path out',
    ]);
  });

  it("a schema that is neither text, a file nor a URL; and no schema", () => {
    expect(
      problemsOf(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: {path: openapi.json}}
  - name: other
    openapi: {host: localhost:8080}
`),
    ).toEqual([
      "config.yaml:4:45: mcp.targets[0].openapi.schema: schema is the document as a string, {file: <path>} or {url: <URL>}",
      expect.stringMatching(/^config.yaml:6:\d+: mcp.targets\[1\].openapi.schema: /),
    ]);
  });

  it("openapi beside another kind", () => {
    expect(
      problemsOf(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: "{}"}
    mcp: {host: localhost:8080}
`),
    ).toEqual(['config.yaml:3:5: mcp.targets[0]: target "api" has mcp and openapi: choose one']);
  });
});

describe("openapi documents, loaded and checked when the config compiles", () => {
  it("a file relative to the working directory, and a URL", async () => {
    const file = await compiled(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: {file: openapi.json}}
`);
    expect(file).toEqual({ problems: [], warnings: [] });
    const url = await compiled(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: {url: "${docOrigin}/api/v3/openapi.json"}}
`);
    expect(url).toEqual({ problems: [], warnings: [] });
  });

  it("a document that cannot be read is a problem at its file or URL", async () => {
    const { problems } = await compiled(`mcp:
  targets:
  - name: a
    openapi: {host: localhost:8080, schema: {file: missing.json}}
  - name: b
    openapi: {host: localhost:8080, schema: {url: "${docOrigin}/nothing.json"}}
  - name: c
    openapi: {host: localhost:8080, schema: "openapi: [3.0"}
`);
    expect(problems).toEqual([
      `4:52: mcp.targets[0].openapi.schema.file: cannot read the OpenAPI document ${join(dir, "missing.json")}: file not found`,
      `6:51: mcp.targets[1].openapi.schema.url: the OpenAPI document at ${docOrigin}/nothing.json could not be fetched: HTTP 404`,
      expect.stringMatching(
        /^8:45: mcp.targets\[2\].openapi.schema: the inline OpenAPI document is not valid JSON or YAML \(line 1, column \d+\): Flow sequence/,
      ),
    ]);
  });

  it("a document larger than 32 MiB is refused", async () => {
    await writeFile(join(dir, "huge.json"), "");
    await truncate(join(dir, "huge.json"), 33 * 1024 * 1024);
    const { problems } = await compiled(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: {file: huge.json}}
`);
    expect(problems).toEqual([
      `4:52: mcp.targets[0].openapi.schema.file: the OpenAPI document ${join(dir, "huge.json")} is larger than 32 MiB`,
    ]);
  });

  it("each operation it cannot serve is a problem at schema, naming the operation", async () => {
    const { problems } = await compiled(
      await withDocument(
        "operations.json",
        doc(
          {
            "/a": { get: { summary: "no id" } },
            "/b/{id}": {
              get: { operationId: "getB" },
              post: { operationId: "getB", parameters: [{ name: "id", in: "path", schema: {} }] },
            },
            "/c": {
              get: {
                operationId: "cookies",
                parameters: [{ name: "session", in: "cookie", schema: { type: "string" } }],
              },
              put: {
                operationId: "content",
                parameters: [
                  { name: "filter", in: "query", content: { "application/json": { schema: {} } } },
                ],
              },
              post: {
                operationId: "dangling",
                requestBody: { $ref: "#/components/requestBodies/Nope" },
              },
              delete: {
                operationId: "external",
                parameters: [{ $ref: "common.yaml#/components/parameters/Limit" }],
              },
              patch: {
                operationId: "recursive",
                requestBody: {
                  content: {
                    "application/json": { schema: { $ref: "#/components/schemas/Node" } },
                  },
                },
              },
            },
          },
          {
            components: {
              schemas: {
                Node: {
                  type: "object",
                  properties: {
                    children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
                  },
                },
              },
            },
          },
        ),
      ),
    );
    const at = "6:15: mcp.targets[0].openapi.schema: the OpenAPI document operations.json: ";
    expect(problems).toEqual([
      `${at}GET /a: an operation needs an operationId, which names its tool`,
      `${at}operation "getB" (GET /b/{id}): its path has {id}, but no path parameter of that name`,
      `${at}operation "getB" (POST /b/{id}): GET /b/{id} has the same operationId; tool names must be unique`,
      `${at}operation "cookies" (GET /c): cookie parameter "session": cookie parameters are not supported`,
      `${at}operation "content" (PUT /c): parameter "filter": parameters described by "content" are not supported; give it a "schema"`,
      `${at}operation "dangling" (POST /c): $ref "#/components/requestBodies/Nope" points at nothing in the document`,
      `${at}operation "external" (DELETE /c): $ref "common.yaml#/components/parameters/Limit" points outside the document: only references within it ("#/...") are supported`,
      `${at}operation "recursive" (PATCH /c): schema "#/components/schemas/Node" refers to itself: a recursive schema cannot be written out as a tool's input schema`,
    ]);
  });

  it("hostile documents are bounded: $refs that multiply, YAML aliases that multiply", async () => {
    const schemas: Record<string, unknown> = { L30: { type: "string" } };
    for (let i = 0; i < 30; i++) {
      const next = { $ref: `#/components/schemas/L${i + 1}` };
      schemas[`L${i}`] = { type: "object", properties: { a: next, b: next } };
    }
    const bomb = doc(
      {
        "/x": {
          post: {
            operationId: "explode",
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/L0" } } },
            },
          },
        },
      },
      { components: { schemas } },
    );
    expect((await compiled(await withDocument("bomb.json", bomb))).problems).toEqual([
      '6:15: mcp.targets[0].openapi.schema: the OpenAPI document bomb.json: operation "explode" (POST /x): its input schema would have more than 100000 nodes once its $refs are written out',
    ]);
    // Each level is four of the one before: 4^12 nodes from a few hundred bytes.
    const aliases = ["l0: &l0 [x, x, x, x]"];
    for (let i = 1; i <= 12; i++)
      aliases.push(`l${i}: &l${i} [${`*l${i - 1}, `.repeat(3)}*l${i - 1}]`);
    await writeFile(join(dir, "aliases.yaml"), `openapi: 3.0.0\n${aliases.join("\n")}\n`);
    const { problems } = await compiled(`mcp:
  targets:
  - name: api
    openapi: {host: localhost:8080, schema: {file: aliases.yaml}}
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /^4:52: mcp.targets\[0\].openapi.schema.file: the OpenAPI document .*aliases.yaml cannot be read: Excessive alias count/,
      ),
    ]);
  });

  it("a document that is not OpenAPI 3, or whose servers disagree on the path", async () => {
    const at = (name: string) =>
      `6:15: mcp.targets[0].openapi.schema: the OpenAPI document ${name}: `;
    expect(
      (await compiled(await withDocument("swagger.json", { swagger: "2.0", paths: {} }))).problems,
    ).toEqual([
      `${at("swagger.json")}this is a Swagger "2.0" document: only OpenAPI 3 documents are supported (convert it, for example with swagger2openapi)`,
    ]);
    const servers = [{ url: "https://a.example.com/v1" }, { url: "https://b.example.com/v2" }];
    expect(
      (await compiled(await withDocument("servers.json", doc({}, { servers })))).problems,
    ).toEqual([
      `${at("servers.json")}servers name URLs with different paths ("/v1", "/v2"): requests go to the target's host under one base path, so keep the one to use`,
    ]);
    // Production and staging on other hosts, the same path: one base path, as agentgateway's one.
    const same = [
      { url: "https://a.example.com/v1" },
      {
        url: "https://{env}.example.com/{v}",
        variables: { env: { default: "b" }, v: { default: "v1" } },
      },
    ];
    expect(
      (await compiled(await withDocument("same.json", doc({}, { servers: same })))).problems,
    ).toEqual([]);
  });

  it("what a tool cannot send is left out of it, with a warning", async () => {
    const { warnings } = await compiled(
      await withDocument(
        "form.json",
        doc({
          "/form": {
            parameters: [{ name: "tracking", in: "cookie", schema: { type: "string" } }],
            get: {
              operationId: "getForm",
              requestBody: { content: { "application/json": { schema: {} } } },
            },
            post: {
              operationId: "postForm",
              parameters: [{ name: "Authorization", in: "header", schema: { type: "string" } }],
              requestBody: { content: { "application/x-www-form-urlencoded": { schema: {} } } },
            },
          },
        }),
      ),
    );
    const at = "6:15: the OpenAPI document form.json: ";
    expect(warnings).toEqual([
      `${at}operation "getForm" (GET /form): cookie parameter "tracking" of its path is left out: cookie parameters are not supported`,
      `${at}operation "getForm" (GET /form): its tool sends no body: a GET has none`,
      `${at}operation "postForm" (POST /form): cookie parameter "tracking" of its path is left out: cookie parameters are not supported`,
      `${at}operation "postForm" (POST /form): header parameter "Authorization" is left out of its tool: the gateway writes that header itself`,
      `${at}operation "postForm" (POST /form): its request body is "application/x-www-form-urlencoded" only, which a tool cannot send (JSON and application/octet-stream can be): its tool sends no body`,
    ]);
  });
});
