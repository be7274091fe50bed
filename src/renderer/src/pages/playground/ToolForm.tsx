import { useEffect, useId, useMemo, useState } from "react";
import type { FormEvent } from "react";
import type { CallPreview, ToolSummary } from "../../../../shared/ui-api";
import { Spinner } from "../../components/Spinner";
import { useDebouncedValue } from "../../hooks/use-debounced-value";
import { errorMessage } from "../../hooks/use-async";
import { CallPreviewLine, type PreviewState } from "./CallPreviewLine";
import { fieldsOf, initialValue, toArguments } from "./input-schema";
import type { FieldValue } from "./input-schema";
import { SchemaFieldInput } from "./SchemaFieldInput";

interface ToolFormProps {
  tool: ToolSummary;
  calling: boolean;
  onCall: (args: Record<string, unknown>) => void;
  /** What the gateway would decide for these arguments; asked as the user types, debounced. */
  preview: (args: Record<string, unknown>) => Promise<CallPreview>;
}

/** Long enough to wait for a pause in typing, short enough to feel immediate. */
const PREVIEW_DELAY_MS = 300;

export function ToolForm({ tool, calling, onCall, preview }: ToolFormProps) {
  const id = useId();
  const fields = useMemo(() => fieldsOf(tool.inputSchema), [tool.inputSchema]);
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, initialValue(field)])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [decision, setDecision] = useState<PreviewState>();
  const settledValues = useDebouncedValue(values, PREVIEW_DELAY_MS);

  useEffect(() => {
    const result = toArguments(fields, settledValues);
    if (!result.ok) {
      setDecision({ kind: "incomplete" });
      return;
    }
    // An answer for arguments the user has typed past since is dropped.
    let current = true;
    preview(result.args).then(
      (answer) => current && setDecision({ kind: "decided", preview: answer }),
      (caught: unknown) => current && setDecision({ kind: "unknown", error: errorMessage(caught) }),
    );
    return () => {
      current = false;
    };
  }, [fields, settledValues, preview]);

  function submit(event: FormEvent): void {
    event.preventDefault();
    const result = toArguments(fields, values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    onCall(result.args);
  }

  return (
    <form className="stack" onSubmit={submit} aria-label={`Arguments of ${tool.name}`}>
      <div>
        <h3 className="mono">{tool.name}</h3>
        {tool.description && <p className="muted small tool-description">{tool.description}</p>}
      </div>
      {fields.length === 0 && <p className="muted small">This tool takes no arguments.</p>}
      {fields.map((field) => (
        <SchemaFieldInput
          key={field.name}
          field={field}
          inputId={`${id}-${field.name}`}
          value={values[field.name] ?? initialValue(field)}
          error={errors[field.name]}
          onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
        />
      ))}
      <CallPreviewLine state={decision} />
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={calling}>
          {calling && <Spinner label="Calling" />}
          Call
        </button>
      </div>
    </form>
  );
}
