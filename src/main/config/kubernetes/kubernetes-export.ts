import type { LoadedConfig } from "../load";
import { exportResources, type ExportOptions, type KubernetesExport } from "./export-resources";
import { renderWithNotes } from "./render-yaml";

export type { ExportOptions, KubernetesExport };

/** A loaded config as agentgateway Kubernetes resources, in one multi-document YAML text. */
export function exportKubernetes(
  loaded: LoadedConfig,
  options: ExportOptions = {},
): KubernetesExport {
  return exportResources(loaded, options);
}

/**
 * The resources as `kubectl apply -f` takes them: a header saying where they came from and what
 * to know, and a `# TODO` above each place the config had something they do not carry.
 */
export function writeExport(exported: KubernetesExport, file: string): string {
  const headline = `Exported by \`gatehouse export k8s\` from ${file}, for agentgateway on Kubernetes.`;
  return renderWithNotes(exported.resources, exported.notes, headline, (note) => note.outputPath);
}
