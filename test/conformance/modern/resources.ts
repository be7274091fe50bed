import {
  ResourceNotFoundError,
  ResourceTemplate,
  type McpServer,
  type ReadResourceResult,
} from "@modelcontextprotocol/server";
import { DATA_TEMPLATE_LISTING, readResource, STATIC_RESOURCES } from "../server/resources";

/**
 * The resources and the template shared with the 2025 server. `McpServer` answers an unknown
 * URI itself, with -32602 and the URI in `data` (SEP-2164).
 */
export function registerResources(server: McpServer): void {
  for (const {
    listing: { uri, name, ...metadata },
  } of STATIC_RESOURCES) {
    server.registerResource(name, uri, metadata, (url) => read(url.href));
  }
  const { uriTemplate, name, ...metadata } = DATA_TEMPLATE_LISTING;
  const template = new ResourceTemplate(uriTemplate, { list: undefined });
  server.registerResource(name, template, metadata, (url) => read(url.href));
}

function read(uri: string): ReadResourceResult {
  const result = readResource(uri);
  if (result === undefined) throw new ResourceNotFoundError(uri);
  return result;
}
