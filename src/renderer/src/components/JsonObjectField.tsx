import { useId } from "react";
import { parseJsonObject } from "../lib/parse-json-object";

interface JsonObjectFieldProps {
  label: string;
  value: string;
  onChange: (text: string) => void;
  hint?: string;
  rows?: number;
}

/** A JSON object textarea that says, while typing, what is wrong and where. */
export function JsonObjectField({ label, value, onChange, hint, rows = 8 }: JsonObjectFieldProps) {
  const id = useId();
  const parsed = parseJsonObject(value);
  const error = parsed.ok
    ? undefined
    : parsed.line !== undefined
      ? `Line ${parsed.line}, column ${parsed.col}: ${parsed.message}`
      : parsed.message;

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="textarea"
        rows={rows}
        value={value}
        spellCheck={false}
        aria-invalid={!parsed.ok}
        aria-describedby={`${id}-status`}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={`${id}-status`} className={error ? "field-error" : "field-hint"} role="status">
        {error ?? hint ?? "Valid JSON"}
      </span>
    </div>
  );
}
