import { z } from "zod";
import type { CompileContext, ConfigPath } from "./compile-context";
import { readConfigFile } from "./config-file";

/** agentgateway's `FileOrInline` for a secret: the value itself, or a file that holds it. */
export const secretSchema = z.union(
  [
    z.string().min(1).describe("The secret itself (write $VAR to take it from the environment)."),
    z.strictObject({
      file: z
        .string()
        .min(1)
        .describe("A file that holds the secret, relative to the working directory."),
    }),
  ],
  { error: "a secret is written inline, or as {file: <path>}" },
);

export type SecretConfig = z.infer<typeof secretSchema>;

/**
 * The secret, read once when the config loads (a reload reads it again), and trimmed as
 * agentgateway trims it: a key file's final newline is no part of the key. A file that cannot
 * be read, or an empty secret, is a problem at `at`, and undefined comes back.
 */
export async function loadSecret(
  secret: SecretConfig,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<string | undefined> {
  const text =
    typeof secret === "string" ? secret : await readConfigFile(secret.file, [...at, "file"], ctx);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === "") ctx.problem(at, "the secret is empty");
  return trimmed || undefined;
}
