import type { CallPreview } from "../../../../shared/ui-api";

/** What the form's arguments would get, as the gateway decides it, before the call is made. */
export type PreviewState =
  | { kind: "incomplete" }
  | { kind: "decided"; preview: CallPreview }
  | { kind: "unknown"; error: string };

export function CallPreviewLine({ state }: { state: PreviewState | undefined }) {
  if (!state) return null;
  if (state.kind === "incomplete") {
    return (
      <p className="small muted" role="status" data-testid="call-preview">
        Fill in the required arguments to see whether this call would be allowed.
      </p>
    );
  }
  if (state.kind === "unknown") {
    return (
      <p className="small muted" role="status" data-testid="call-preview">
        Cannot tell before calling: {state.error}
      </p>
    );
  }
  const { allowed, reason } = state.preview;
  return (
    <p
      className={`call-preview small ${allowed ? "call-preview-allowed" : "call-preview-refused"}`}
      role="status"
      data-testid="call-preview"
    >
      <span className={`badge ${allowed ? "badge-ok" : "badge-danger"}`}>
        {allowed ? "Would be allowed" : "Would be refused"}
      </span>{" "}
      {allowed ? reason : `${reason}. The gateway would answer as for a tool that does not exist.`}
    </p>
  );
}
