import type { FieldValue, SchemaField } from "./input-schema";

interface SchemaFieldInputProps {
  field: SchemaField;
  inputId: string;
  value: FieldValue;
  error: string | undefined;
  onChange: (value: FieldValue) => void;
}

export function SchemaFieldInput({
  field,
  inputId,
  value,
  error,
  onChange,
}: SchemaFieldInputProps) {
  const describedBy = `${inputId}-hint`;
  const label = (
    <label htmlFor={inputId}>
      {field.name}
      {field.required && (
        <span className="required-mark" title="required">
          {" "}
          *
        </span>
      )}
      <span className="field-type">{field.kind === "json" ? "JSON" : field.kind}</span>
    </label>
  );
  const hint = (error || field.description) && (
    <span id={describedBy} className={error ? "field-error" : "field-hint"}>
      {error ?? field.description}
    </span>
  );

  if (field.kind === "boolean") {
    return (
      <div className="field">
        <label className="checkbox">
          <input
            id={inputId}
            type="checkbox"
            checked={value === true}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.checked)}
          />
          {field.name}
        </label>
        {hint}
      </div>
    );
  }

  const text = typeof value === "string" ? value : "";
  return (
    <div className="field">
      {label}
      {field.kind === "enum" ? (
        <select
          id={inputId}
          className="select"
          value={text}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        >
          {!field.required && <option value="">(not set)</option>}
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.kind === "json" ? (
        <textarea
          id={inputId}
          className="textarea"
          rows={4}
          spellCheck={false}
          value={text}
          aria-invalid={error !== undefined}
          aria-describedby={describedBy}
          placeholder="JSON, e.g. [] or {}"
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <input
          id={inputId}
          className="input"
          type={field.kind === "string" ? "text" : "number"}
          step={field.kind === "integer" ? 1 : "any"}
          value={text}
          required={field.required}
          aria-invalid={error !== undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {hint}
    </div>
  );
}
