import { useId } from "react";
import type { IdentitySummary } from "../../../../shared/ui-api";
import type { CallerChoice, CallerKind } from "./caller-choice";

interface CallerPickerProps {
  identities: IdentitySummary[];
  choice: CallerChoice;
  onChange: (choice: CallerChoice) => void;
}

const KIND_LABELS: Record<CallerKind, string> = {
  identity: "An identity",
  token: "A token",
  anonymous: "Anonymous",
};

export function CallerPicker({ identities, choice, onChange }: CallerPickerProps) {
  const id = useId();
  return (
    <fieldset className="caller-picker">
      <legend className="field-label">Connect as</legend>
      <div className="button-row">
        {(Object.keys(KIND_LABELS) as CallerKind[]).map((kind) => (
          <label key={kind} className="checkbox">
            <input
              type="radio"
              name={`${id}-kind`}
              checked={choice.kind === kind}
              onChange={() => onChange({ ...choice, kind })}
            />
            {KIND_LABELS[kind]}
          </label>
        ))}
      </div>
      {choice.kind === "identity" && (
        <div className="field">
          <label htmlFor={`${id}-identity`}>Identity</label>
          {identities.length === 0 ? (
            <p className="small muted" id={`${id}-identity`}>
              No identities yet: <a href="#/tokens">create one in Tokens</a>.
            </p>
          ) : (
            <select
              id={`${id}-identity`}
              className="select"
              value={choice.identity}
              onChange={(event) => onChange({ ...choice, identity: event.target.value })}
            >
              <option value="" disabled>
                Pick an identity
              </option>
              {identities.map((identity) => (
                <option key={identity.name} value={identity.name}>
                  {identity.name}
                </option>
              ))}
            </select>
          )}
        </div>
      )}
      {choice.kind === "token" && (
        <div className="field">
          <label htmlFor={`${id}-token`}>Bearer token</label>
          <textarea
            id={`${id}-token`}
            className="textarea"
            rows={3}
            spellCheck={false}
            value={choice.token}
            placeholder="eyJhbGciOi…"
            onChange={(event) => onChange({ ...choice, token: event.target.value })}
          />
        </div>
      )}
    </fieldset>
  );
}
