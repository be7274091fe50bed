import type {
  KubernetesExportResult,
  KubernetesFile,
  KubernetesImportResult,
  KubernetesNote,
} from "../../shared/ui-api";
import { ConfigError } from "../config/problems";
import { noteLocation, type BridgeNote } from "../config/kubernetes/bridge-notes";
import { exportKubernetes, writeExport } from "../config/kubernetes/kubernetes-export";
import { importKubernetes, writeImportedConfig } from "../config/kubernetes/kubernetes-import";
import type { GatehouseService } from "./service";

/**
 * Resource files as the local config text `gatehouse import k8s` would write, for the Config
 * page to show as an unsaved change. Files that cannot be read as resources are an error that
 * lists every problem, where it is.
 */
export function importKubernetesFiles(
  files: readonly KubernetesFile[],
  port: number | null,
): KubernetesImportResult {
  const sources = files.map((file) => ({ file: file.name, text: file.text }));
  try {
    const imported = importKubernetes(sources, { port: port ?? undefined });
    return {
      config: writeImportedConfig(imported, sources),
      notes: imported.notes.map(noteInfo),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.problems.length;
    throw new Error(
      `the files cannot be imported as Kubernetes resources (${count} problem${count === 1 ? "" : "s"}):\n${error.message}`,
      { cause: error },
    );
  }
}

/**
 * The config the gateway serves now (not the file, which may hold an edit that did not apply)
 * as the resources `gatehouse export k8s` would write.
 */
export function exportServedConfig(
  service: GatehouseService,
  namespace: string | null,
  gateway: string | null,
): KubernetesExportResult {
  const loaded = service.config;
  if (!loaded)
    throw new Error("the gateway has not loaded a config yet: there is nothing to export");
  const exported = exportKubernetes(loaded, {
    namespace: namespace ?? undefined,
    gateway: gateway ?? undefined,
    cwd: service.cwd,
  });
  return { yaml: writeExport(exported, loaded.file), notes: exported.notes.map(noteInfo) };
}

function noteInfo(note: BridgeNote): KubernetesNote {
  return { todo: note.todo, message: note.at.message, where: noteLocation(note) };
}
