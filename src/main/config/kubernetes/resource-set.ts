import { isMap, LineCounter, parseAllDocuments } from "yaml";
import { ConfigError, formatPath, type ConfigProblem } from "../problems";
import { SourceMap } from "../source-map";

/** A Kubernetes resource as read from a file, with what is needed to point into that file. */
export interface Resource {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** The whole document, as JSON-like data. */
  body: Record<string, unknown>;
  /** `Kind/name`, as kubectl names a resource in its messages. */
  label: string;
  /** Where a path inside this resource is written. */
  locate(path: readonly PropertyKey[], message: string): ConfigProblem;
}

/** Upper bound on documents per set: a hostile file cannot make the import loop for long. */
const MAX_DOCUMENTS = 1000;

/**
 * Whether a file holds Kubernetes resources rather than a local config: a local config has
 * neither `apiVersion` nor `kind` at the top level, every resource has both.
 */
export function looksLikeKubernetesResources(text: string): boolean {
  return /^apiVersion\s*:/m.test(text) && /^kind\s*:/m.test(text);
}

/**
 * Reads multi-document YAML files of Kubernetes resources, including `kind: List` wrappers
 * (what `kubectl get -o yaml` writes). Throws a ConfigError naming every malformed document.
 */
export function readResourceSet(
  files: readonly { file: string; text: string }[],
  defaultNamespace = "default",
): Resource[] {
  const resources: Resource[] = [];
  const problems: ConfigProblem[] = [];
  for (const { file, text } of files) {
    const lines = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
    // parseAllDocuments answers an empty stream with an empty document list, or an EmptyStream.
    const list = Array.isArray(documents) ? documents : [];
    if (list.length > MAX_DOCUMENTS) {
      throw new ConfigError([
        at(file, 1, 1, "", `more than ${MAX_DOCUMENTS} documents: split the file`),
      ]);
    }
    for (const doc of list) {
      const map = new SourceMap(doc, lines);
      const locate = (path: readonly PropertyKey[], message: string): ConfigProblem => ({
        file,
        ...map.at(path),
        path: formatPath(path),
        message,
      });
      for (const error of doc.errors) {
        const { line, col } = map.position(error.pos[0]);
        problems.push(at(file, line, col, "", error.message.split("\n")[0] as string));
      }
      if (doc.errors.length || doc.contents === null) continue;
      if (!isMap(doc.contents)) {
        problems.push(locate([], "a document here must be a Kubernetes resource (a mapping)"));
        continue;
      }
      const body = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
      const items = body.kind === "List" && Array.isArray(body.items) ? body.items : undefined;
      if (items) {
        items.forEach((item, i) => {
          const itemLocate = (path: readonly PropertyKey[], message: string) =>
            locate(["items", i, ...path], message);
          const resource = asResource(item, itemLocate, defaultNamespace, problems);
          if (resource) resources.push(resource);
        });
        continue;
      }
      const resource = asResource(body, locate, defaultNamespace, problems);
      if (resource) resources.push(resource);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return resources;
}

function asResource(
  value: unknown,
  locate: Resource["locate"],
  defaultNamespace: string,
  problems: ConfigProblem[],
): Resource | undefined {
  if (!isRecord(value)) {
    problems.push(locate([], "a list item must be a Kubernetes resource (a mapping)"));
    return undefined;
  }
  const { apiVersion, kind, metadata } = value;
  const missing = [
    typeof apiVersion === "string" && apiVersion ? undefined : "apiVersion",
    typeof kind === "string" && kind ? undefined : "kind",
    isRecord(metadata) && typeof metadata.name === "string" && metadata.name
      ? undefined
      : "metadata.name",
  ].filter((key) => key !== undefined);
  if (missing.length) {
    problems.push(locate([], `a Kubernetes resource needs ${missing.join(", ")}`));
    return undefined;
  }
  const meta = metadata as Record<string, unknown>;
  const namespace = typeof meta.namespace === "string" ? meta.namespace : defaultNamespace;
  return {
    apiVersion: apiVersion as string,
    kind: kind as string,
    name: meta.name as string,
    namespace,
    body: value,
    label: `${kind as string}/${meta.name as string}`,
    locate,
  };
}

function at(file: string, line: number, col: number, path: string, message: string) {
  return { file, line, col, path, message };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
