import type { OpenApiTargetSpec, TargetSpec } from "../../../config/model";
import type { CompileContext } from "../../policies/compile-context";
import { loadDocument } from "./load-document";
import type { OpenApi } from "./openapi-api";
import { readOpenApi } from "./read-openapi";

/** How many of a document's problems (and of its warnings) are told; a broken one has many. */
const TOLD_MAX = 20;

/**
 * Loads an openapi target's document and reads its operations, when the config compiles: a
 * document that cannot be read or used is a problem of the config at the target's `schema`
 * key, naming the operation, so that no session meets it later. Undefined after a problem.
 */
export async function compileOpenApi(
  target: OpenApiTargetSpec,
  ctx: CompileContext,
): Promise<OpenApi | undefined> {
  const { schema, schemaPath } = target;
  let doc: unknown;
  try {
    doc = await loadDocument(schema, ctx.cwd);
  } catch (error) {
    const key = typeof schema === "string" ? [] : "file" in schema ? ["file"] : ["url"];
    ctx.problem([...schemaPath, ...key], (error as Error).message);
    return undefined;
  }
  const document =
    typeof schema === "string"
      ? "the inline OpenAPI document"
      : "file" in schema
        ? `the OpenAPI document ${schema.file}`
        : `the OpenAPI document at ${schema.url}`;
  const tell = (say: (message: string) => void) => {
    let told = 0;
    return (message: string) => {
      told++;
      if (told <= TOLD_MAX) say(`${document}: ${message}`);
      else if (told === TOLD_MAX + 1)
        say(`${document}: and more (only the first ${TOLD_MAX} are told)`);
    };
  };
  return readOpenApi(doc, {
    problem: tell((message) => ctx.problem(schemaPath, message)),
    warning: tell((message) => ctx.warning(schemaPath, message)),
  });
}

/** The APIs of a backend's openapi targets, loaded side by side. */
export async function compileOpenApis(
  targets: readonly TargetSpec[],
  ctx: CompileContext,
): Promise<ReadonlyMap<TargetSpec, OpenApi>> {
  const apis = new Map<TargetSpec, OpenApi>();
  await Promise.all(
    targets.map(async (target) => {
      if (target.kind !== "openapi") return;
      const api = await compileOpenApi(target, ctx);
      if (api) apis.set(target, api);
    }),
  );
  return apis;
}
