/** The slice of JSON Schema a tool form can render as fields; anything else is raw JSON. */
export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface SchemaField {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  defaultValue?: unknown;
}

/** The form's value of a field: text for most kinds, a flag for booleans. */
export type FieldValue = string | boolean;

export function fieldsOf(inputSchema: Record<string, unknown>): SchemaField[] {
  const properties = (inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(inputSchema.required) ? inputSchema.required : []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    kind: kindOf(property),
    required: required.has(name),
    description: typeof property.description === "string" ? property.description : undefined,
    options: Array.isArray(property.enum) ? property.enum.map(String) : undefined,
    defaultValue: property.default,
  }));
}

function kindOf(property: Record<string, unknown>): FieldKind {
  if (Array.isArray(property.enum) && property.enum.every((each) => typeof each === "string")) {
    return "enum";
  }
  switch (property.type) {
    case "string":
    case "number":
    case "integer":
    case "boolean":
      return property.type;
    default:
      return "json";
  }
}

export function initialValue(field: SchemaField): FieldValue {
  if (field.kind === "boolean") return field.defaultValue === true;
  if (field.defaultValue === undefined)
    return field.kind === "enum" ? (field.options?.[0] ?? "") : "";
  return field.kind === "json"
    ? JSON.stringify(field.defaultValue, null, 2)
    : String(field.defaultValue);
}

export type ArgumentsResult =
  { ok: true; args: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** Empty optional fields are left out, so the tool applies its own defaults. */
export function toArguments(
  fields: SchemaField[],
  values: Record<string, FieldValue>,
): ArgumentsResult {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? initialValue(field);
    if (typeof value === "boolean") {
      args[field.name] = value;
      continue;
    }
    if (value.trim() === "") {
      if (field.required) errors[field.name] = "required";
      continue;
    }
    switch (field.kind) {
      case "number":
      case "integer": {
        const number = Number(value);
        if (!Number.isFinite(number)) errors[field.name] = "must be a number";
        else if (field.kind === "integer" && !Number.isInteger(number)) {
          errors[field.name] = "must be a whole number";
        } else args[field.name] = number;
        break;
      }
      case "json":
        try {
          args[field.name] = JSON.parse(value);
        } catch (caught) {
          errors[field.name] = caught instanceof Error ? caught.message : "not valid JSON";
        }
        break;
      default:
        args[field.name] = value;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, args };
}
