import type { ToolCallOutcome } from "../../../../shared/ui-api";
import { JsonBlock } from "../../components/JsonBlock";

function isTextBlock(block: unknown): block is { type: "text"; text: string } {
  return (
    typeof block === "object" &&
    block !== null &&
    (block as { type?: unknown }).type === "text" &&
    typeof (block as { text?: unknown }).text === "string"
  );
}

export function ToolOutcomeView({ outcome }: { outcome: ToolCallOutcome }) {
  if (!outcome.ok) {
    return (
      <div className="notice notice-danger" role="alert" data-testid="tool-error">
        <strong>Refused or failed:</strong> {outcome.error ?? "the gateway gave no reason"}
      </div>
    );
  }
  const content = outcome.content ?? [];
  return (
    <div className="stack" data-testid="tool-result">
      {content.length === 0 && <p className="muted small">The tool returned no content.</p>}
      {content.map((block, index) =>
        isTextBlock(block) ? (
          <pre key={index} className="tool-text">
            {block.text}
          </pre>
        ) : (
          <JsonBlock key={index} value={block} />
        ),
      )}
    </div>
  );
}
