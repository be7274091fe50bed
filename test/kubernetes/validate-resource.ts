/**
 * Would the API server accept this resource? What `kubectl apply` checks for the kinds in crd-schemas.ts,
 * in the API server's order: ObjectMeta's name and namespace, the structural schema (after defaulting, with
 * unknown fields refused as kubectl's strict field validation does), list-type uniqueness, then the CEL rules.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { resourceSchemas, type StructuralSchema } from "./crd-schemas";

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
ajv.addFormat("int32", {
  type: "number",
  validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31,
});
const compiled = new Map<StructuralSchema, ValidateFunction>();

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain and IsDNS1123Label, with their messages.
const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" +
  DNS1123_SUBDOMAIN +
  "')";
const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" +
  DNS1123_LABEL +
  "')";

/** When a type is wrong the API server skips the CEL rules and says so (apiextensions' hasBlockingErr). */
const RULES_SKIPPED =
  "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

/** Every reason the API server would refuse `resource`, as "<Kind>/<name>: <field path>: <message>". */
export function validateResource(resource: unknown): string[] {
  const fields = isObject(resource) ? resource : {};
  const metadata = isObject(fields["metadata"]) ? fields["metadata"] : {};
  const label = `${describe(fields["kind"], "<no kind>")}/${describe(metadata["name"], "<no name>")}`;
  return resourceProblems(resource).map((problem) => `${label}: ${problem}`);
}

/** validateResource over a list, e.g. every resource one export wrote. */
export function validateResources(resources: readonly unknown[]): string[] {
  return resources.flatMap((resource) => validateResource(resource));
}

function resourceProblems(resource: unknown): string[] {
  if (!isObject(resource))
    return [`<root>: Invalid value: ${preview(resource)}: a resource must be an object`];
  const { apiVersion, kind } = resource;
  const kinds = typeof apiVersion === "string" ? resourceSchemas[apiVersion] : undefined;
  if (kinds === undefined) {
    const known = Object.keys(resourceSchemas).map((version) => JSON.stringify(version));
    return [
      `apiVersion: Unsupported value: ${preview(apiVersion)}: supported values: ${known.join(", ")}`,
    ];
  }
  const schema = typeof kind === "string" ? kinds[kind] : undefined;
  if (schema === undefined) {
    const known = Object.keys(kinds).map((name) => JSON.stringify(name));
    return [
      `kind: Unsupported value: ${preview(kind)}: supported values for ${apiVersion}: ${known.join(", ")}`,
    ];
  }

  const problems = metadataProblems(resource["metadata"]);
  // The API server validates the defaulted object; defaulting must not show through to the caller's copy.
  const defaulted: unknown = structuredClone(resource);
  const validate = compiled.get(schema) ?? compile(schema);
  const schemaErrors = validate(defaulted) ? [] : (validate.errors ?? []);
  problems.push(...schemaErrors.map(describeSchemaError));
  const typesHold = !schemaErrors.some((error) => error.keyword === "type");
  walk(schema, defaulted, "", { problems, runRules: typesHold });
  if (!typesHold) problems.push(`<root>: ${RULES_SKIPPED}`);
  return problems;
}

function compile(schema: StructuralSchema): ValidateFunction {
  const validate = ajv.compile(schema);
  compiled.set(schema, validate);
  return validate;
}

function metadataProblems(metadata: unknown): string[] {
  if (!isObject(metadata)) return []; // the schema reports it
  const problems: string[] = [];
  const { name, namespace } = metadata;
  if (typeof name === "string") {
    if (name.length > 253)
      problems.push(
        `metadata.name: Invalid value: ${preview(name)}: must be no more than 253 characters`,
      );
    if (!new RegExp(`^${DNS1123_SUBDOMAIN}$`).test(name))
      problems.push(`metadata.name: Invalid value: ${preview(name)}: ${SUBDOMAIN_MESSAGE}`);
  }
  if (typeof namespace === "string") {
    if (namespace.length > 63)
      problems.push(
        `metadata.namespace: Invalid value: ${preview(namespace)}: must be no more than 63 characters`,
      );
    if (!new RegExp(`^${DNS1123_LABEL}$`).test(namespace))
      problems.push(`metadata.namespace: Invalid value: ${preview(namespace)}: ${LABEL_MESSAGE}`);
  }
  return problems;
}

/** An ajv error in the API server's words, at a kubectl-style field path (spec.rules[0].filters[1].type). */
function describeSchemaError(error: ErrorObject): string {
  const path = fieldPath(error.instancePath);
  switch (error.keyword) {
    case "required":
      return `${join(path, String(error.params["missingProperty"]))}: Required value`;
    case "additionalProperties": {
      const field = String(error.params["additionalProperty"]);
      return `${join(path, field)}: unknown field ${JSON.stringify(field)}`;
    }
    case "enum": {
      const allowed = (error.params["allowedValues"] as unknown[]).map((value) =>
        JSON.stringify(value),
      );
      return `${path || "<root>"}: Unsupported value: ${preview(error.data)}: supported values: ${allowed.join(", ")}`;
    }
    default:
      return `${path || "<root>"}: Invalid value: ${preview(error.data)}: ${error.message ?? error.keyword}`;
  }
}

interface WalkState {
  problems: string[];
  runRules: boolean;
}

/** Checks the list-type invariants and the CEL rules of every node present, depth first. */
function walk(schema: StructuralSchema, value: unknown, path: string, state: WalkState): void {
  if (value === undefined) return;
  const at = path || "<root>";
  if (Array.isArray(value)) {
    const listType = schema["x-kubernetes-list-type"];
    if (listType === "set" || listType === "map") {
      const keys = schema["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Set<string>();
      value.forEach((item, index) => {
        const identity = JSON.stringify(
          listType === "set" || !isObject(item) ? item : pick(item, keys),
        );
        if (seen.has(identity))
          state.problems.push(`${path}[${index}]: Duplicate value: ${bounded(identity)}`);
        seen.add(identity);
      });
    }
  }
  if (state.runRules) {
    for (const { message, rule } of schema["x-kubernetes-validations"] ?? []) {
      let holds: boolean;
      try {
        holds = rule(value);
      } catch (error) {
        // A CEL rule reading an absent required field fails to evaluate; the API server refuses that too.
        state.problems.push(
          `${at}: ${message} (the rule could not be evaluated: ${(error as Error).message})`,
        );
        continue;
      }
      if (!holds) state.problems.push(`${at}: ${message}`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    const items = schema.items;
    value.forEach((item, index) => walk(items, item, `${path}[${index}]`, state));
  } else if (isObject(value)) {
    for (const [field, fieldValue] of Object.entries(value)) {
      const fieldSchema =
        schema.properties?.[field] ??
        (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (fieldSchema !== undefined) walk(fieldSchema, fieldValue, join(path, field), state);
    }
  }
}

function fieldPath(instancePath: string): string {
  let path = "";
  for (const segment of instancePath.split("/").slice(1)) {
    const field = segment.replaceAll("~1", "/").replaceAll("~0", "~");
    path = /^[0-9]+$/.test(field) ? `${path}[${field}]` : join(path, field);
  }
  return path;
}

const join = (path: string, field: string): string => (path === "" ? field : `${path}.${field}`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pick(item: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, item[key]]));
}

function describe(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? bounded(value) : fallback;
}

/** A value as JSON, cut short: exported resources may hold long JWKS or CEL expressions. */
function preview(value: unknown): string {
  return bounded(JSON.stringify(value) ?? String(value));
}

function bounded(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
