import { useId } from "react";
import type { RequestFilter } from "./request-filter";

interface RequestFiltersProps {
  filter: RequestFilter;
  onChange: (filter: RequestFilter) => void;
  shown: number;
  total: number;
}

export function RequestFilters({ filter, onChange, shown, total }: RequestFiltersProps) {
  const id = useId();
  const set = <K extends keyof RequestFilter>(key: K, value: RequestFilter[K]) =>
    onChange({ ...filter, [key]: value });

  return (
    <div className="card card-body request-filters" role="search" aria-label="Filter requests">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={filter.deniedOnly}
          onChange={(event) => set("deniedOnly", event.target.checked)}
        />
        Denied only
      </label>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          className="select"
          value={filter.status}
          onChange={(event) => set("status", event.target.value as RequestFilter["status"])}
        >
          <option value="">Any</option>
          <option value="401">401 (not authenticated)</option>
          <option value="403">403 (not authorized)</option>
        </select>
      </div>
      {(["subject", "tool", "target"] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`${id}-${key}`}>{key[0]?.toUpperCase() + key.slice(1)}</label>
          <input
            id={`${id}-${key}`}
            className="input"
            type="search"
            value={filter[key]}
            placeholder="contains…"
            onChange={(event) => set(key, event.target.value)}
          />
        </div>
      ))}
      <span className="request-count muted small" aria-live="polite">
        {shown === total ? `${total} requests` : `${shown} of ${total}`}
      </span>
    </div>
  );
}
