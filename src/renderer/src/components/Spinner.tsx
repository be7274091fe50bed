import "./Spinner.css";

export function Spinner({ label = "Working" }: { label?: string }) {
  return <span className="spinner" role="progressbar" aria-label={label} />;
}
