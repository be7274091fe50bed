import { DocumentError, DocumentRefs, isObject, quoted, shown } from "./document-refs";
import {
  PARAMETER_LOCATIONS,
  type OpenApi,
  type Operation,
  type ParameterLocation,
  type RequestBody,
  type ToolDefinition,
} from "./openapi-api";

/** Where what is wrong with a document goes: problems refuse the config, warnings do not. */
export interface DocumentReport {
  problem(message: string): void;
  warning(message: string): void;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** A tool's title is the operation's summary, cut as agentgateway cuts it. */
const TITLE_MAX = 64;
/**
 * Header parameters a tool does not set. OpenAPI itself says to ignore Accept, Content-Type and
 * Authorization parameters (credentials come from the target's policies, not from the model);
 * the others frame the HTTP message, which is the gateway's to write.
 */
const HEADERS_NOT_SET = new Set([
  "accept",
  "content-type",
  "authorization",
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "proxy-connection",
]);
const BINARY_BODY_SCHEMA = {
  type: "string",
  format: "byte",
  description: "Base64-encoded binary content",
};

/** One parameter as the document declares it, after `$ref`s. */
interface ParameterDecl {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema: Record<string, unknown>;
}

/**
 * Turns an OpenAPI 3 document into tools as agentgateway does: one per operation, named by its
 * `operationId`, described by its description (else summary, else name), titled by its summary.
 * A tool's input schema has an object per location (`path`, `query`, `header`) holding the
 * parameters that go there, and `body` for a JSON (or binary) request body. Every problem is
 * reported, naming the operation; undefined when there was any.
 */
export function readOpenApi(doc: unknown, report: DocumentReport): OpenApi | undefined {
  if (!isObject(doc) || !isOpenApi3(doc, report)) return undefined;
  const reader = new OperationReader(doc, report);
  const basePath = reader.basePath(doc.servers);
  const paths = doc.paths ?? {};
  if (!isObject(paths)) {
    report.problem('"paths" is not a map of paths to operations');
    return undefined;
  }
  for (const [path, item] of Object.entries(paths)) reader.readPath(path, item, basePath ?? "");
  if (reader.failed || basePath === undefined) return undefined;
  const info = isObject(doc.info) ? doc.info : {};
  return {
    serverInfo: {
      name: typeof info.title === "string" ? info.title : "openapi",
      version: typeof info.version === "string" ? info.version : "unknown",
    },
    tools: reader.tools,
    operations: reader.operations,
  };
}

function isOpenApi3(doc: Record<string, unknown>, report: DocumentReport): boolean {
  if (typeof doc.openapi === "string" && /^3\.\d/.test(doc.openapi)) return true;
  report.problem(
    typeof doc.swagger === "string"
      ? `this is a Swagger ${quoted(doc.swagger)} document: only OpenAPI 3 documents are supported (convert it, for example with swagger2openapi)`
      : 'not an OpenAPI 3 document: "openapi" should be a version such as "3.0.3" or "3.1.0"',
  );
  return false;
}

class OperationReader {
  readonly tools: ToolDefinition[] = [];
  readonly operations = new Map<string, Operation>();
  /** Where each tool name was first used, for the message about a second use. */
  private readonly usedAt = new Map<string, string>();
  private readonly refs: DocumentRefs;
  failed = false;

  constructor(
    doc: Record<string, unknown>,
    private readonly report: DocumentReport,
  ) {
    this.refs = new DocumentRefs(doc);
  }

  /**
   * The path every operation's path goes under: that of the `servers` URL. agentgateway takes
   * one server; several are taken here when their paths agree (production and staging hosts),
   * since the host comes from the target anyway. Server variables get their defaults.
   */
  basePath(servers: unknown): string | undefined {
    if (servers === undefined) return "";
    try {
      if (!Array.isArray(servers)) throw new DocumentError("is not a list");
      const paths = new Set(servers.map(serverPath));
      if (paths.size > 1) {
        throw new DocumentError(
          `name URLs with different paths (${[...paths].map(quoted).join(", ")}): requests go to the target's host under one base path, so keep the one to use`,
        );
      }
      return [...paths][0] ?? "";
    } catch (error) {
      this.fail(`servers ${(error as Error).message}`);
      return undefined;
    }
  }

  readPath(path: string, item: unknown, basePath: string): void {
    let resolved: unknown;
    try {
      resolved = this.refs.deref(item);
    } catch (error) {
      return this.fail(`path ${quoted(path)}: ${(error as Error).message}`);
    }
    if (!isObject(resolved)) return this.fail(`path ${quoted(path)} is not a path item`);
    for (const method of METHODS) {
      const operation = resolved[method];
      if (operation === undefined) continue;
      const where = `${method.toUpperCase()} ${shown(path)}`;
      if (!isObject(operation)) {
        this.fail(`${where} is not an operation`);
        continue;
      }
      this.readOperation(where, method, path, operation, resolved.parameters, basePath);
    }
  }

  private readOperation(
    where: string,
    method: string,
    path: string,
    op: Record<string, unknown>,
    shared: unknown,
    basePath: string,
  ): void {
    const name = op.operationId;
    if (typeof name !== "string" || name === "") {
      return this.fail(`${where}: an operation needs an operationId, which names its tool`);
    }
    const label = `operation ${quoted(name)} (${where})`;
    const first = this.usedAt.get(name);
    if (first) {
      return this.fail(`${label}: ${first} has the same operationId; tool names must be unique`);
    }
    this.usedAt.set(name, where);
    try {
      const parameters = this.parameters(label, shared, op.parameters);
      const body = this.requestBody(op.requestBody, method, label);
      const pathParts = splitPath(basePath, path, parameters);
      const inputSchema = toolInputSchema(parameters, body);
      this.refs.checkSize(inputSchema);
      this.tools.push(toolDefinition(name, op, inputSchema));
      this.operations.set(name, {
        name,
        method: method.toUpperCase(),
        pathParts,
        parameters: byLocation(parameters),
        ...(body && { body: body.spec }),
      });
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      this.fail(`${label}: ${error.message}`);
    }
  }

  /**
   * The path item's parameters, then the operation's, which replace those of the same name and
   * location (header names in any case). A cookie parameter on the path item is skipped, as
   * agentgateway skips it; on the operation it refuses the document, as in agentgateway.
   */
  private parameters(label: string, shared: unknown, own: unknown): ParameterDecl[] {
    const byKey = new Map<string, ParameterDecl>();
    for (const [list, onPathItem] of [
      [shared, true],
      [own, false],
    ] as const) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new DocumentError('"parameters" is not a list');
      for (const entry of list) {
        const parameter = this.parameter(label, entry, onPathItem);
        if (!parameter) continue;
        const key = `${parameter.in}:${parameter.in === "header" ? parameter.name.toLowerCase() : parameter.name}`;
        byKey.set(key, parameter);
      }
    }
    return [...byKey.values()];
  }

  private parameter(label: string, entry: unknown, onPathItem: boolean): ParameterDecl | undefined {
    const parameter = this.refs.deref(entry);
    if (!isObject(parameter) || typeof parameter.name !== "string") {
      throw new DocumentError("a parameter has no name");
    }
    const name = quoted(parameter.name);
    const location = parameter.in;
    if (location === "cookie") {
      if (!onPathItem) {
        throw new DocumentError(`cookie parameter ${name}: cookie parameters are not supported`);
      }
      this.report.warning(
        `${label}: cookie parameter ${name} of its path is left out: cookie parameters are not supported`,
      );
      return undefined;
    }
    if (!PARAMETER_LOCATIONS.includes(location as ParameterLocation)) {
      throw new DocumentError(`parameter ${name} is "in" neither path, query, header nor cookie`);
    }
    if (location === "header" && HEADERS_NOT_SET.has(parameter.name.toLowerCase())) {
      this.report.warning(
        `${label}: header parameter ${name} is left out of its tool: the gateway writes that header itself`,
      );
      return undefined;
    }
    if (parameter.schema === undefined) {
      throw new DocumentError(
        parameter.content === undefined
          ? `parameter ${name} has no schema`
          : `parameter ${name}: parameters described by "content" are not supported; give it a "schema"`,
      );
    }
    const schema = this.refs.inline(parameter.schema);
    const description = typeof parameter.description === "string" && parameter.description;
    return {
      name: parameter.name,
      in: location as ParameterLocation,
      // A path parameter is always required (OpenAPI says so), whatever the document wrote.
      required: location === "path" || parameter.required === true,
      schema: { ...(isObject(schema) ? schema : {}), ...(description && { description }) },
    };
  }

  /**
   * The request body, when it can be sent: JSON (`application/json` first, else any `+json`
   * type) or `application/octet-stream` (a base64 argument). A body of other types only is
   * left out, as in agentgateway, with a warning.
   */
  private requestBody(
    entry: unknown,
    method: string,
    label: string,
  ): { spec: RequestBody; schema: unknown; required: boolean } | undefined {
    if (entry === undefined) return undefined;
    if (method === "get" || method === "head") {
      // fetch refuses to send one, as most HTTP stacks between here and the API would.
      this.report.warning(`${label}: its tool sends no body: a ${method.toUpperCase()} has none`);
      return undefined;
    }
    const body = this.refs.deref(entry);
    if (!isObject(body) || !isObject(body.content)) {
      throw new DocumentError('its requestBody has no "content"');
    }
    const types = Object.keys(body.content);
    const json =
      types.find((type) => mediaTypeEssence(type) === "application/json") ??
      types.find((type) => mediaTypeEssence(type).endsWith("+json"));
    const required = body.required === true;
    if (json !== undefined) {
      const media = body.content[json];
      const schema = isObject(media) && media.schema !== undefined ? media.schema : {};
      return {
        spec: { mediaType: json, encoding: "json" },
        schema: this.refs.inline(schema),
        required,
      };
    }
    if (types.includes("application/octet-stream")) {
      return {
        spec: { mediaType: "application/octet-stream", encoding: "base64" },
        schema: BINARY_BODY_SCHEMA,
        required,
      };
    }
    if (types.length > 0) {
      this.report.warning(
        `${label}: its request body is ${types.map(quoted).join(", ")} only, which a tool cannot send (JSON and application/octet-stream can be): its tool sends no body`,
      );
    }
    return undefined;
  }

  private fail(message: string): void {
    this.failed = true;
    this.report.problem(message);
  }
}

/** The path of a server URL (absolute, scheme-relative or relative), variables at defaults. */
function serverPath(server: unknown): string {
  if (!isObject(server) || typeof server.url !== "string") {
    throw new DocumentError('has an entry without a "url"');
  }
  const variables = isObject(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === "string" ? variable.default : whole;
  });
  const afterScheme = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(url)?.[1] ?? /^\/\/(.*)$/.exec(url)?.[1];
  const slash = afterScheme?.indexOf("/") ?? 0;
  let path = afterScheme === undefined ? url : slash < 0 ? "" : afterScheme.slice(slash);
  path = (path.split(/[?#]/)[0] as string).replace(/\/+$/, "");
  return path === "" || path.startsWith("/") ? path : `/${path}`;
}

/**
 * The base path and the operation's path, split at the operation's `{parameters}`; each of them
 * must be a declared path parameter, or a call could not fill it in.
 */
function splitPath(basePath: string, path: string, parameters: ParameterDecl[]): string[] {
  const parts = (path.startsWith("/") ? path : `/${path}`).split(/\{([^}]*)\}/);
  parts[0] = basePath + parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    if (!parameters.some((p) => p.in === "path" && p.name === name)) {
      throw new DocumentError(`its path has {${name}}, but no path parameter of that name`);
    }
  }
  return parts;
}

function toolInputSchema(
  parameters: ParameterDecl[],
  body: { schema: unknown; required: boolean } | undefined,
): ToolDefinition["inputSchema"] {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const location of PARAMETER_LOCATIONS) {
    const here = parameters.filter((p) => p.in === location);
    if (here.length === 0) continue;
    const names = here.filter((p) => p.required).map((p) => p.name);
    properties[location] = {
      type: "object",
      properties: Object.fromEntries(here.map((p) => [p.name, p.schema])),
      required: names,
    };
    if (names.length > 0) required.push(location);
  }
  if (body) {
    properties.body = body.schema;
    if (body.required) required.push("body");
  }
  return { type: "object", properties, required };
}

function toolDefinition(
  name: string,
  op: Record<string, unknown>,
  inputSchema: ToolDefinition["inputSchema"],
): ToolDefinition {
  const summary = typeof op.summary === "string" && op.summary !== "" ? op.summary : undefined;
  const description = typeof op.description === "string" ? op.description : (summary ?? name);
  return {
    name,
    ...(summary && { title: Array.from(summary).slice(0, TITLE_MAX).join("") }),
    description,
    inputSchema,
  };
}

function byLocation(parameters: ParameterDecl[]): Operation["parameters"] {
  const names = (location: ParameterLocation) =>
    new Set(parameters.filter((p) => p.in === location).map((p) => p.name));
  return { path: names("path"), query: names("query"), header: names("header") };
}

/** `application/json` of `application/json; charset=utf-8`, in lower case. */
function mediaTypeEssence(type: string): string {
  return (type.split(";")[0] as string).trim().toLowerCase();
}
