import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the API received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, exactly as they arrived (still encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface PetStoreApi {
  /** http://127.0.0.1:<port> */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

const BASE = "/api/v1";

/**
 * A small pet store over plain HTTP, described by PET_STORE_DOCUMENT: it records every request
 * it gets, so a test can see exactly what a tool call became.
 */
export async function startPetStoreApi(): Promise<PetStoreApi> {
  const received: ReceivedRequest[] = [];
  const pets = [
    { id: 1, name: "Rex", status: "available", tags: ["dog"] },
    { id: 2, name: "Tom", status: "sold", tags: ["cat", "grumpy"] },
  ];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? "/";
    received.push({ method: req.method ?? "", url, headers: req.headers, body });
    const { pathname, searchParams } = new URL(url, "http://api.test");
    const route = `${req.method} ${pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname}`;
    const pet = /^\/pets\/(\d+)/.exec(pathname.slice(BASE.length));
    const found = pet && pets.find((p) => p.id === Number(pet[1]));
    if (route === "GET /pets") {
      const status = searchParams.get("status");
      return json(
        res,
        200,
        pets.filter((p) => status === null || p.status === status),
      );
    }
    if (route === "POST /pets") return json(res, 201, { id: 3, ...JSON.parse(body.toString()) });
    if (route === "GET /health") return text(res, 200, "ok");
    if (route === "GET /outage") return text(res, 503, "down for maintenance until 10:00");
    if (route === "GET /old-pets") {
      res.writeHead(301, { location: `${BASE}/pets` }).end();
      return;
    }
    if (pet && !found) return json(res, 404, { message: `no pet ${pet[1]}` });
    if (route.startsWith("GET /pets/")) return json(res, 200, found);
    if (route.startsWith("DELETE /pets/")) return void res.writeHead(204).end();
    if (route.startsWith("PUT /pets/") && route.endsWith("/photo")) {
      return json(res, 200, { id: found?.id, bytes: body.length });
    }
    text(res, 404, `no route for ${route}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function text(res: ServerResponse, status: number, value: string): void {
  res.writeHead(status, { "content-type": "text/plain" }).end(value);
}

/** The pet store's OpenAPI 3 document, with the kinds of `$ref` real documents use. */
export const PET_STORE_DOCUMENT = {
  openapi: "3.0.3",
  info: { title: "Pet Store", version: "1.2.3" },
  servers: [{ url: "https://pets.example.com/api/v1" }],
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        summary: "List pets",
        description: "Lists the pets of the store, filtered by status and tags.",
        parameters: [
          { name: "status", in: "query", schema: { $ref: "#/components/schemas/Status" } },
          {
            name: "tags",
            in: "query",
            description: "Tags a pet must have",
            schema: { type: "array", items: { type: "string" } },
          },
          { $ref: "#/components/parameters/Limit" },
        ],
        responses: { "200": { description: "The pets" } },
      },
      post: {
        operationId: "addPet",
        summary: "Add a pet",
        requestBody: { $ref: "#/components/requestBodies/NewPet" },
        responses: { "201": { description: "Added" } },
      },
    },
    "/pets/{petId}": {
      parameters: [{ $ref: "#/components/parameters/PetId" }],
      get: {
        operationId: "getPet",
        summary: "Find a pet by its id",
        responses: { "200": { description: "The pet" } },
      },
      delete: {
        operationId: "deletePet",
        parameters: [
          { name: "X-Request-Id", in: "header", required: true, schema: { type: "string" } },
        ],
        responses: { "204": { description: "Deleted" } },
      },
    },
    "/pets/{petId}/photo": {
      put: {
        operationId: "uploadPhoto",
        parameters: [{ $ref: "#/components/parameters/PetId" }],
        requestBody: { required: true, content: { "application/octet-stream": {} } },
        responses: { "200": { description: "Stored" } },
      },
    },
    "/health": { get: { operationId: "health", responses: { "200": { description: "ok" } } } },
    "/outage": { get: { operationId: "outage", responses: { "200": { description: "ok" } } } },
    "/old-pets": {
      get: { operationId: "oldPets", responses: { "301": { description: "moved" } } },
    },
  },
  components: {
    schemas: {
      Status: { type: "string", enum: ["available", "pending", "sold"] },
      Category: {
        type: "object",
        properties: { id: { type: "integer" }, name: { type: "string" } },
      },
      NewPet: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string" },
          status: { $ref: "#/components/schemas/Status" },
          category: { $ref: "#/components/schemas/Category" },
          tags: { type: "array", items: { type: "string" } },
        },
      },
    },
    parameters: {
      PetId: {
        name: "petId",
        in: "path",
        required: true,
        description: "The pet's id",
        schema: { type: "integer" },
      },
      Limit: { name: "limit", in: "query", schema: { type: "integer", maximum: 100 } },
    },
    requestBodies: {
      NewPet: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/NewPet" } } },
      },
    },
  },
};
