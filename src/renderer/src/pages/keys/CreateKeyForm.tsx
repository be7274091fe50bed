import { useId, useState } from "react";
import type { FormEvent } from "react";
import type { KeyAlgorithmName } from "../../../../shared/ui-api";
import { Spinner } from "../../components/Spinner";
import { TextField } from "../../components/TextField";

interface CreateKeyFormProps {
  onCreate: (
    alg: KeyAlgorithmName,
    bits: 2048 | 3072 | null,
    label: string | null,
  ) => Promise<void>;
}

export function CreateKeyForm({ onCreate }: CreateKeyFormProps) {
  const id = useId();
  const [alg, setAlg] = useState<KeyAlgorithmName>("ES256");
  const [bits, setBits] = useState<2048 | 3072>(2048);
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    await onCreate(alg, alg === "RS256" ? bits : null, label.trim() || null);
    setBusy(false);
    setLabel("");
  }

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Create a key">
      <div className="card-header">
        <h2>Create a key</h2>
      </div>
      <div className="card-body stack">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-alg`}>Algorithm</label>
            <select
              id={`${id}-alg`}
              className="select"
              value={alg}
              onChange={(event) => setAlg(event.target.value as KeyAlgorithmName)}
            >
              <option value="ES256">ES256 (P-256, recommended)</option>
              <option value="RS256">RS256 (RSA)</option>
              <option value="EdDSA">EdDSA (Ed25519)</option>
            </select>
          </div>
          {alg === "RS256" && (
            <div className="field">
              <label htmlFor={`${id}-bits`}>RSA bits</label>
              <select
                id={`${id}-bits`}
                className="select"
                value={bits}
                onChange={(event) => setBits(Number(event.target.value) as 2048 | 3072)}
              >
                <option value={2048}>2048</option>
                <option value={3072}>3072</option>
              </select>
            </div>
          )}
          <TextField
            label="Label"
            value={label}
            onChange={setLabel}
            placeholder="optional, e.g. dev laptop"
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy && <Spinner label="Creating" />}
            Create key
          </button>
        </div>
      </div>
    </form>
  );
}
