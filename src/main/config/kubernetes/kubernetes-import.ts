import { ConfigError, type ConfigProblem } from "../problems";
import { importResources, type ImportOptions, type KubernetesImport } from "./import-resources";
import { renderWithNotes, renderYaml } from "./render-yaml";
import { readResourceSet } from "./resource-set";

export interface SourceFile {
  file: string;
  text: string;
}

/** Files of Kubernetes resources, read and imported as one set. Throws a ConfigError. */
export function importKubernetes(
  files: readonly SourceFile[],
  options: ImportOptions = {},
): KubernetesImport {
  return importResources(readResourceSet(files), options);
}

/**
 * The imported config as a file to keep: a header saying where it came from, and a `# TODO`
 * above each place where the resources asked for something the config does not do.
 */
export function writeImportedConfig(
  imported: KubernetesImport,
  files: readonly SourceFile[],
): string {
  const headline = `Imported by \`gatehouse import k8s\` from ${files.map((f) => f.file).join(", ")}.`;
  return renderWithNotes([imported.config], imported.notes, headline, (note) =>
    note.outputPath ? [0, ...note.outputPath] : undefined,
  );
}

/** What serving a resource file directly needs: the config text, and the way back to the file. */
export interface ResourcesForServing {
  configText: string;
  /** Import notes that are not TODOs: a serving gateway logs them as warnings. */
  warnings: ConfigProblem[];
  /** The place in the resources that a problem found in `configText` comes from. */
  relocate(problem: ConfigProblem): ConfigProblem;
}

/**
 * A resource file served as it is. One that does not import completely is refused rather than
 * served with less enforcement than it asks for: each TODO is a problem, at its place.
 */
export function importForServing(text: string, file: string): ResourcesForServing {
  const imported = importKubernetes([{ file, text }]);
  const todos = imported.notes.filter((note) => note.todo);
  if (todos.length) {
    throw new ConfigError([
      {
        file,
        line: 1,
        col: 1,
        path: "",
        message: `these Kubernetes resources do not import completely, so they are not served: \`gatehouse import k8s -f ${file}\` writes the config with a TODO at each place below`,
      },
      ...todos.map((note) => note.at),
    ]);
  }
  return {
    configText: renderYaml([imported.config], [], []),
    warnings: imported.notes.map((note) => note.at),
    relocate: (problem) => {
      const origin = imported.originOf(problem.path);
      // Everything imported has an origin; this is for what might not, one day.
      return origin
        ? { ...origin, message: problem.message }
        : { ...problem, file, line: 1, col: 1 };
    },
  };
}
