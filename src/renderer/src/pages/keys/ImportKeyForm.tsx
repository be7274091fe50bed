import { useId, useState } from "react";
import type { FormEvent } from "react";
import { Spinner } from "../../components/Spinner";
import { TextField } from "../../components/TextField";

interface ImportKeyFormProps {
  onImport: (material: string, label: string | null) => Promise<void>;
}

export function ImportKeyForm({ onImport }: ImportKeyFormProps) {
  const id = useId();
  const [material, setMaterial] = useState("");
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    await onImport(material.trim(), label.trim() || null);
    setBusy(false);
    setMaterial("");
    setLabel("");
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Import a key">
      <div className="card-header">
        <h2>Import a key</h2>
      </div>
      <div className="card-body stack">
        <div className="field">
          <label htmlFor={`${id}-material`}>PEM, JWK or JWKS</label>
          <textarea
            id={`${id}-material`}
            className="textarea"
            value={material}
            spellCheck={false}
            placeholder={"-----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----, or JSON"}
            onChange={(event) => setMaterial(event.target.value)}
          />
          <span className="field-hint">
            A private key goes to the OS keychain and can sign; a public key only verifies.
          </span>
        </div>
        <TextField
          label="Label"
          value={label}
          onChange={setLabel}
          placeholder="optional, e.g. CI issuer"
        />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy || material.trim() === ""}>
            {busy && <Spinner label="Importing" />}
            Import key
          </button>
        </div>
      </div>
    </form>
  );
}
