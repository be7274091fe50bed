import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { testIssuer } from "../auth/issuer";
import { connect, EVERYTHING, freePort, startGateway, textOf, type TestGateway } from "./harness";
import { PET_STORE_DOCUMENT, startPetStoreApi, type PetStoreApi } from "./pet-store-api";

let api: PetStoreApi;
let dir: string;
let documentFile: string;

beforeAll(async () => {
  api = await startPetStoreApi();
  dir = await mkdtemp(join(tmpdir(), "gatehouse-openapi-"));
  documentFile = join(dir, "pets.json");
  await writeFile(documentFile, JSON.stringify(PET_STORE_DOCUMENT, null, 2));
});

afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

/** A gateway serving the `mcp:` section as a config file writes it. */
function gatewayFor(mcp: Record<string, unknown>): Promise<TestGateway> {
  const loaded = parseConfig(stringify({ mcp }), "config.yaml", {});
  return startGateway(loaded.gateway.listeners[0]?.routes ?? []);
}

const pets = (schema: unknown = { file: documentFile }, host = api.origin) => ({
  name: "pets",
  openapi: { schema, host },
});

const everything = {
  name: "everything",
  stdio: { cmd: process.execPath, args: [EVERYTHING, "stdio"] },
};

/** The requests the API got since `since`. */
const receivedSince = (since: number) => api.received.slice(since);

let gw: TestGateway | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await gw?.close();
  client = gw = undefined;
});

describe("an openapi target's tools", () => {
  beforeEach(async () => {
    gw = await gatewayFor({ targets: [pets()] });
    client = await connect(gw.url);
  });

  it("are its operations, named by operationId, titled by summary, in document order", async () => {
    const { tools } = await (client as Client).listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      "listPets",
      "addPet",
      "getPet",
      "deletePet",
      "uploadPhoto",
      "health",
      "outage",
      "oldPets",
    ]);
    const listPets = tools[0];
    expect(listPets?.title).toBe("List pets");
    expect(listPets?.description).toBe("Lists the pets of the store, filtered by status and tags.");
    // Without a description, the summary describes it; without either, the name.
    expect(tools.find((tool) => tool.name === "getPet")?.description).toBe("Find a pet by its id");
    expect(tools.find((tool) => tool.name === "health")?.description).toBe("health");
  });

  it("take their parameters grouped by location, with every $ref written out", async () => {
    const { tools } = await (client as Client).listTools();
    const schemaOf = (name: string) => tools.find((tool) => tool.name === name)?.inputSchema;
    expect(schemaOf("listPets")).toEqual({
      type: "object",
      properties: {
        query: {
          type: "object",
          properties: {
            status: { type: "string", enum: ["available", "pending", "sold"] },
            tags: { type: "array", items: { type: "string" }, description: "Tags a pet must have" },
            limit: { type: "integer", maximum: 100 },
          },
          required: [],
        },
      },
      required: [],
    });
    expect(schemaOf("deletePet")).toEqual({
      type: "object",
      properties: {
        path: {
          type: "object",
          properties: { petId: { type: "integer", description: "The pet's id" } },
          required: ["petId"],
        },
        header: {
          type: "object",
          properties: { "X-Request-Id": { type: "string" } },
          required: ["X-Request-Id"],
        },
      },
      required: ["path", "header"],
    });
    expect(schemaOf("addPet")).toEqual({
      type: "object",
      properties: {
        body: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string" },
            status: { type: "string", enum: ["available", "pending", "sold"] },
            category: {
              type: "object",
              properties: { id: { type: "integer" }, name: { type: "string" } },
            },
            tags: { type: "array", items: { type: "string" } },
          },
        },
      },
      required: ["body"],
    });
    expect(schemaOf("uploadPhoto")?.properties?.body).toEqual({
      type: "string",
      format: "byte",
      description: "Base64-encoded binary content",
    });
  });
});

describe("a call to an openapi tool", () => {
  beforeEach(async () => {
    gw = await gatewayFor({ targets: [pets()] });
    client = await connect(gw.url);
  });

  it("puts query parameters in the query, encoded, a list as repeated names", async () => {
    const since = api.received.length;
    const result = await (client as Client).callTool({
      name: "listPets",
      arguments: { query: { status: "sold", tags: ["a b", "c&d=e"], limit: 2 } },
    });
    expect(receivedSince(since)).toMatchObject([
      { method: "GET", url: "/api/v1/pets?status=sold&tags=a%20b&tags=c%26d%3De&limit=2" },
    ]);
    expect(receivedSince(since)[0]?.headers.accept).toBe("application/json");
    // A JSON array comes back as {data}, in structured content and as text.
    const tom = { id: 2, name: "Tom", status: "sold", tags: ["cat", "grumpy"] };
    expect(result.structuredContent).toEqual({ data: [tom] });
    expect(JSON.parse(textOf(result))).toEqual({ data: [tom] });
    expect(result.isError).toBeFalsy();
  });

  it("fills the path template under the document's base path, so a value stays one segment", async () => {
    const since = api.received.length;
    const found = await (client as Client).callTool({
      name: "getPet",
      arguments: { path: { petId: 1 } },
    });
    const rex = { id: 1, name: "Rex", status: "available", tags: ["dog"] };
    expect(found.structuredContent).toEqual(rex);
    expect(JSON.parse(textOf(found))).toEqual(rex);
    await (client as Client).callTool({
      name: "getPet",
      arguments: { path: { petId: "1/../../admin?x=1#y" } },
    });
    expect(receivedSince(since).map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /api/v1/pets/1",
      "GET /api/v1/pets/1%2F..%2F..%2Fadmin%3Fx%3D1%23y",
    ]);
  });

  it("sends the body as JSON and header parameters as headers", async () => {
    const since = api.received.length;
    const kitty = { name: "Kitty", status: "pending", tags: ["cat"] };
    const added = await (client as Client).callTool({ name: "addPet", arguments: { body: kitty } });
    expect(added.structuredContent).toEqual({ id: 3, ...kitty });
    const deleted = await (client as Client).callTool({
      name: "deletePet",
      arguments: { path: { petId: 2 }, header: { "X-Request-Id": "req-42" } },
    });
    // An empty answer is not JSON: it comes back as agentgateway shapes it, {code, message}.
    expect(deleted.structuredContent).toEqual({ code: 204, message: "" });
    const [post, del] = receivedSince(since);
    expect(post).toMatchObject({ method: "POST", url: "/api/v1/pets" });
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post?.body.toString() ?? "")).toEqual(kitty);
    expect(del).toMatchObject({ method: "DELETE", url: "/api/v1/pets/2" });
    expect(del?.headers["x-request-id"]).toBe("req-42");
  });

  it("sends an octet-stream body decoded from base64", async () => {
    const since = api.received.length;
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const stored = await (client as Client).callTool({
      name: "uploadPhoto",
      arguments: { path: { petId: 1 }, body: bytes.toString("base64") },
    });
    expect(stored.structuredContent).toEqual({ id: 1, bytes: 5 });
    const [put] = receivedSince(since);
    expect(put).toMatchObject({ method: "PUT", url: "/api/v1/pets/1/photo" });
    expect(put?.headers["content-type"]).toBe("application/octet-stream");
    expect(put?.body.equals(bytes)).toBe(true);
  });

  it("answers text as {code, message}", async () => {
    const result = await (client as Client).callTool({ name: "health", arguments: {} });
    expect(result.structuredContent).toEqual({ code: 200, message: "ok" });
  });
});

describe("an openapi tool's failures", () => {
  beforeEach(async () => {
    gw = await gatewayFor({ targets: [pets()] });
    client = await connect(gw.url);
  });

  it("an API error is a tool error that says what the API answered", async () => {
    const missing = await (client as Client).callTool({
      name: "getPet",
      arguments: { path: { petId: 99 } },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toBe('the API answered 404 Not Found: {"message":"no pet 99"}');
    const outage = await (client as Client).callTool({ name: "outage", arguments: {} });
    expect(outage.isError).toBe(true);
    expect(textOf(outage)).toBe(
      "the API answered 503 Service Unavailable: down for maintenance until 10:00",
    );
  });

  it("a redirect is not followed", async () => {
    const since = api.received.length;
    const moved = await (client as Client).callTool({ name: "oldPets", arguments: {} });
    expect(moved.isError).toBe(true);
    expect(textOf(moved)).toBe(
      "the API answered 301 Moved Permanently, a redirect to /api/v1/pets, which the gateway does not follow",
    );
    expect(receivedSince(since)).toHaveLength(1);
  });

  it("arguments that cannot make a request are tool errors and never reach the API", async () => {
    const since = api.received.length;
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await (client as Client).callTool({ name, arguments: args });
      expect(result.isError).toBe(true);
      return textOf(result);
    };
    expect(await call("getPet", {})).toBe('missing path parameter "petId"');
    expect(await call("getPet", { petId: 1 })).toBe(
      'unknown argument "petId": getPet takes "path"',
    );
    expect(await call("getPet", { path: { petId: ".." } })).toBe(
      'path parameter "petId" cannot be empty, "." or ".."',
    );
    expect(await call("listPets", { query: { color: "red" } })).toBe(
      '"color" is not a query parameter of listPets (it has "status", "tags", "limit")',
    );
    expect(await call("listPets", { query: { status: { $ne: "sold" } } })).toBe(
      'query parameter "status" must be a string, number, boolean or null, or a list of them',
    );
    expect(
      await call("deletePet", { path: { petId: 1 }, header: { "X-Request-Id": "a\r\nb" } }),
    ).toBe('header parameter "X-Request-Id" has a character a header cannot carry');
    expect(await call("health", { body: {} })).toBe(
      'unknown argument "body": health takes no arguments',
    );
    expect(await call("uploadPhoto", { path: { petId: 1 }, body: "not base64!" })).toBe(
      '"body" must be the content encoded as base64',
    );
    expect(receivedSince(since)).toEqual([]);
  });

  it("an API that cannot be reached is a tool error naming it", async () => {
    await client?.close();
    await gw?.close();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    gw = await gatewayFor({ targets: [pets(undefined, nowhere)] });
    client = await connect(gw.url);
    const result = await client.callTool({ name: "health", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`the API at ${nowhere} could not be reached: ECONNREFUSED`);
  });

  it("an unknown tool is refused as any unknown tool is", async () => {
    await expect((client as Client).callTool({ name: "feedPet", arguments: {} })).rejects.toThrow(
      /Unknown tool: feedPet/,
    );
  });
});

describe("openapi targets among the others", () => {
  it("mcpAuthorization hides and denies an OpenAPI tool like any tool", async () => {
    gw = await gatewayFor({
      policies: { mcpAuthorization: { rules: ['mcp.tool.name != "deletePet"'] } },
      targets: [pets()],
    });
    client = await connect(gw.url);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("getPet");
    expect(names).not.toContain("deletePet");
    const since = api.received.length;
    await expect(
      client.callTool({
        name: "deletePet",
        arguments: { path: { petId: 1 }, header: { "X-Request-Id": "r" } },
      }),
    ).rejects.toThrow(/Unknown tool: deletePet/);
    expect(receivedSince(since)).toEqual([]);
    expect(gw.requests("tools/call").at(-1)).toMatchObject({
      denied: true,
      target: "pets",
      name: "deletePet",
    });
  });

  it("beside a stdio target, each tool is prefixed with its target and goes to it", async () => {
    gw = await gatewayFor({ targets: [pets(), everything] });
    client = await connect(gw.url);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(["pets_getPet", "pets_addPet", "everything_echo"]),
    );
    const since = api.received.length;
    const pet = await client.callTool({ name: "pets_getPet", arguments: { path: { petId: 2 } } });
    expect(pet.structuredContent).toMatchObject({ id: 2, name: "Tom" });
    const echo = await client.callTool({ name: "everything_echo", arguments: { message: "hi" } });
    expect(textOf(echo)).toBe("Echo: hi");
    expect(receivedSince(since).map((r) => r.url)).toEqual(["/api/v1/pets/2"]);
    expect(gw.requests("tools/call").map((e) => e.target)).toEqual(["pets", "everything"]);
  });

  it("an inline YAML document serves as well, in stateless mode too", async () => {
    const inline = `openapi: 3.1.0
info: {title: Pets, version: "1"}
servers: [{url: /api/v1}]
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
`;
    gw = await gatewayFor({ statefulMode: "stateless", targets: [pets(inline)] });
    client = await connect(gw.url);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["getPet"]);
    const pet = await client.callTool({ name: "getPet", arguments: { path: { petId: 1 } } });
    expect(pet.structuredContent).toMatchObject({ id: 1, name: "Rex" });
  });

  it("the target's own policies apply to its HTTP calls: backendAuth sends its key", async () => {
    gw = await gatewayFor({
      targets: [{ ...pets(), policies: { backendAuth: { key: "pets-api-key" } } }],
    });
    client = await connect(gw.url);
    const since = api.received.length;
    await client.callTool({ name: "health", arguments: {} });
    expect(receivedSince(since)[0]?.headers.authorization).toBe("Bearer pets-api-key");
  });

  it("the route's policies apply to its HTTP calls: backendAuth passes the caller's token on", async () => {
    const idp = await testIssuer();
    gw = await gatewayFor({
      policies: {
        jwtAuth: { mode: "strict", issuer: idp.issuer, jwks: JSON.stringify(idp.jwks) },
        backendAuth: { passthrough: {} },
      },
      targets: [pets()],
    });
    const token = await idp.sign({ sub: "alice" });
    client = await connect(gw.url, { headers: { Authorization: `Bearer ${token}` } });
    const since = api.received.length;
    await client.callTool({ name: "health", arguments: {} });
    expect(receivedSince(since)[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });
});
