import { useRef, useState } from "react";
import {
  KUBERNETES_IMPORT_LIMITS,
  type KubernetesFile,
  type KubernetesImportResult,
} from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { Spinner } from "../../components/Spinner";
import { errorMessage } from "../../hooks/use-async";

interface KubernetesImportButtonProps {
  disabled: boolean;
  onImported: (result: KubernetesImportResult, files: string[]) => void;
  onError: (message: string) => void;
}

const { files: MAX_FILES, megabytesPerFile } = KUBERNETES_IMPORT_LIMITS;

/**
 * Picks resource files and imports them. The button opens the file input, which stays hidden
 * from the tab order: one stop for the keyboard, and the input is still there to label and use.
 */
export function KubernetesImportButton({
  disabled,
  onImported,
  onError,
}: KubernetesImportButtonProps) {
  const client = useUiClient();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  async function importPicked(picked: File[]): Promise<void> {
    setBusy(true);
    try {
      const files = await readBounded(picked);
      onImported(
        await client.importKubernetes(files, null),
        picked.map((file) => file.name),
      );
    } catch (caught) {
      onError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".yaml,.yml"
        multiple
        hidden
        aria-label="Kubernetes resource files"
        onChange={(event) => {
          const picked = Array.from(event.target.files ?? []);
          // Cleared, so that picking the same file again (after an edit) imports it again.
          event.target.value = "";
          if (picked.length > 0) void importPicked(picked);
        }}
      />
      <button
        type="button"
        className="button"
        disabled={disabled || busy}
        onClick={() => input.current?.click()}
        title={`Gateway, HTTPRoute, AgentgatewayBackend and AgentgatewayPolicy files (at most ${MAX_FILES}): the result replaces the editor's text until you apply or revert`}
      >
        {busy && <Spinner label="Importing" />}
        Import from Kubernetes…
      </button>
    </>
  );
}

/** The files' text, refused before it is read when there are too many or one is too large. */
async function readBounded(picked: File[]): Promise<KubernetesFile[]> {
  if (picked.length > MAX_FILES) {
    throw new Error(
      `${picked.length} files were picked: at most ${MAX_FILES} can be imported at once`,
    );
  }
  const tooLarge = picked.find((file) => file.size > megabytesPerFile * 1024 * 1024);
  if (tooLarge) {
    throw new Error(
      `"${tooLarge.name}" is larger than ${megabytesPerFile} MB, the most one resource file may be`,
    );
  }
  return Promise.all(picked.map(async (file) => ({ name: file.name, text: await file.text() })));
}
