import { prettyJson } from "../lib/format";
import "./JsonBlock.css";

export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="json-block" aria-label={label}>
      {prettyJson(value)}
    </pre>
  );
}
