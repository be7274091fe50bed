/**
 * JSON as a google.protobuf.Struct, in the object form protobufjs encodes (protobufjs's
 * built-in well-known types name their fields in camelCase).
 */
export type StructObject = { fields: Record<string, ValueObject> };
type ValueObject =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: StructObject }
  | { listValue: { values: ValueObject[] } };

export function toStruct(json: Record<string, unknown>): StructObject {
  return {
    fields: Object.fromEntries(Object.entries(json).map(([key, value]) => [key, toValue(value)])),
  };
}

function toValue(value: unknown): ValueObject {
  switch (typeof value) {
    case "number":
      return { numberValue: value };
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "object":
      if (value === null) return { nullValue: 0 };
      if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
      return { structValue: toStruct(value as Record<string, unknown>) };
    default:
      return { nullValue: 0 };
  }
}

/** Whether a JSON value is an object, which a Struct must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
