import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CompileContext, ConfigPath } from "./compile-context";

/**
 * A file a policy names, read when the config loads, its path taken from the working
 * directory as agentgateway takes it. One that cannot be read is a problem at `at`, and
 * undefined comes back.
 */
export async function readConfigFile(
  file: string,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<string | undefined> {
  const full = resolve(ctx.cwd, file);
  try {
    return await readFile(full, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    ctx.problem(at, `cannot read "${full}" (${code ?? message})`);
    return undefined;
  }
}
