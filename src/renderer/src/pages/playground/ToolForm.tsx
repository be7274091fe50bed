import { useId, useMemo, useState } from "react";
import type { FormEvent } from "react";
import type { ToolSummary } from "../../../../shared/ui-api";
import { Spinner } from "../../components/Spinner";
import { fieldsOf, initialValue, toArguments } from "./input-schema";
import type { FieldValue } from "./input-schema";
import { SchemaFieldInput } from "./SchemaFieldInput";

interface ToolFormProps {
  tool: ToolSummary;
  calling: boolean;
  onCall: (args: Record<string, unknown>) => void;
}

export function ToolForm({ tool, calling, onCall }: ToolFormProps) {
  const id = useId();
  const fields = useMemo(() => fieldsOf(tool.inputSchema), [tool.inputSchema]);
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, initialValue(field)])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});

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
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={calling}>
          {calling && <Spinner label="Calling" />}
          Call
        </button>
      </div>
    </form>
  );
}
