import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { RED_PIXEL_PNG } from "./media-samples";

interface StaticResource {
  listing: Resource;
  body: { text: string } | { blob: string };
}

/** The resources the scenarios list and read: the same in both eras. */
export const STATIC_RESOURCES: readonly StaticResource[] = [
  {
    listing: {
      uri: "test://static-text",
      name: "static-text",
      description: "A fixed text resource",
      mimeType: "text/plain",
    },
    body: { text: "This is the content of the static text resource." },
  },
  {
    listing: {
      uri: "test://static-binary",
      name: "static-binary",
      description: "A fixed binary resource, a PNG image",
      mimeType: "image/png",
    },
    body: { blob: RED_PIXEL_PNG },
  },
  {
    listing: {
      uri: "test://watched-resource",
      name: "watched-resource",
      description: "A text resource clients subscribe to",
      mimeType: "text/plain",
    },
    body: { text: "This resource is watched for updates." },
  },
];

export const DATA_TEMPLATE = "test://template/{id}/data";
const DATA_TEMPLATE_URI = /^test:\/\/template\/([^/]+)\/data$/;

export const DATA_TEMPLATE_LISTING: ResourceTemplate = {
  uriTemplate: DATA_TEMPLATE,
  name: "template-data",
  description: "JSON data for the id in the URI",
  mimeType: "application/json",
};

export function registerResources(server: Server): void {
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: STATIC_RESOURCES.map((resource) => resource.listing),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [DATA_TEMPLATE_LISTING],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, ({ params: { uri } }) => {
    const result = readResource(uri);
    if (result === undefined) throw resourceNotFound(uri);
    return result;
  });
  // Nothing here ever changes, so a subscription never has an update to announce: accepting
  // it is the whole contract.
  server.setRequestHandler(SubscribeRequestSchema, ({ params: { uri } }) => {
    if (readResource(uri) === undefined) throw resourceNotFound(uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, () => ({}));
}

/** What `resources/read` answers for `uri`, a static resource or the template's, or `undefined`. */
export function readResource(uri: string): ReadResourceResult | undefined {
  const resource = STATIC_RESOURCES.find((candidate) => candidate.listing.uri === uri);
  if (resource !== undefined) {
    return { contents: [{ uri, mimeType: resource.listing.mimeType, ...resource.body }] };
  }
  const id = DATA_TEMPLATE_URI.exec(uri)?.[1];
  if (id === undefined) return undefined;
  const text = JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` });
  return { contents: [{ uri, mimeType: "application/json", text }] };
}

/** -32602 with the URI in `data`: what SEP-2164 settles on for an unknown resource. */
function resourceNotFound(uri: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `Resource not found: ${uri}`, { uri });
}
