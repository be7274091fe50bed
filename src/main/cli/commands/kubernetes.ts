import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { createGatehouse } from "../../app/gatehouse";
import { ConfigError } from "../../config/problems";
import type { BridgeNote } from "../../config/kubernetes/bridge-notes";
import { describeNote } from "../../config/kubernetes/bridge-notes";
import { exportKubernetes, writeExport } from "../../config/kubernetes/kubernetes-export";
import { importKubernetes, writeImportedConfig } from "../../config/kubernetes/kubernetes-import";
import { configEnv } from "../config-env";
import type { Options } from "../options";
import { print } from "../output";
import { UsageError } from "../usage";

/** `gatehouse import k8s -f FILE...`: Kubernetes resources as a local config. */
export async function importResources(
  what: string | undefined,
  args: string[],
  files: string[],
  options: Options,
): Promise<number> {
  expectKubernetes("import", what, args);
  if (!files.length) throw new UsageError("import k8s needs -f <resources.yaml> (one or more)");
  const sources = await Promise.all(files.map(readSource));
  const imported = importKubernetes(sources, { port: portOption(options.port) });
  const text = writeImportedConfig(imported, sources);
  await output(text, options);
  return summarize(imported.notes, "the config", options.out, "gatehouse check -f");
}

/** `gatehouse export k8s [-f config.yaml]`: the config as agentgateway Kubernetes resources. */
export async function exportResources(
  what: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  expectKubernetes("export", what, args);
  const loaded = await createGatehouse({ configPath: options.file, env: configEnv() }).loadConfig();
  const exported = exportKubernetes(loaded, {
    namespace: options.namespace,
    gateway: options.gateway,
  });
  await output(writeExport(exported, loaded.file), options);
  return summarize(
    exported.notes,
    "the resources",
    options.out,
    "kubectl apply --dry-run=client -f",
  );
}

/** A file of resources, or "-" for standard input; one that cannot be read is a problem at it. */
async function readSource(file: string): Promise<{ file: string; text: string }> {
  if (file === "-") return { file: "(stdin)", text: await text(process.stdin) };
  try {
    return { file, text: await readFile(file, "utf8") };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = code === "ENOENT" ? "file not found" : message;
    throw new ConfigError([
      { file, line: 1, col: 1, path: "", message: `cannot read the resources: ${reason}` },
    ]);
  }
}

function expectKubernetes(command: string, what: string | undefined, args: string[]): void {
  if (what !== "k8s") {
    throw new UsageError(
      what === undefined
        ? `${command} needs what to ${command}: gatehouse ${command} k8s`
        : `gatehouse ${command} knows k8s (Kubernetes resources), not "${what}"`,
    );
  }
  if (args[0] !== undefined) throw new UsageError(`unexpected argument "${args[0]}"`);
}

function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`--port is a port number, not "${value}"`);
  }
  return port;
}

/** To `-o FILE`, which is not overwritten without --force, or to standard output. */
async function output(text: string, options: Options): Promise<void> {
  const file = options.out;
  if (!file) {
    print(text);
    return;
  }
  if (existsSync(file) && !options.force) {
    throw new UsageError(`${file} exists: give --force to overwrite it`);
  }
  await writeFile(file, text);
}

/**
 * On standard error, so that the output itself can be piped: what was written, its TODOs, and
 * how to check a file that was written.
 */
function summarize(
  notes: BridgeNote[],
  what: string,
  file: string | undefined,
  checkWith: string,
): number {
  const todos = notes.filter((note) => note.todo);
  const lines = todos.map((note) => `  TODO: ${describeNote(note)}`);
  const count = `${todos.length} TODO${todos.length === 1 ? "" : "s"}`;
  const written = file ?? what;
  const next = file ? `; then ${checkWith} ${file}` : "";
  print(
    todos.length
      ? `${written}: ${count}, each marked # TODO where it belongs${next}\n${lines.join("\n")}`
      : `${written}: complete, nothing left to do${next}`,
    0,
    process.stderr,
  );
  return 0;
}
