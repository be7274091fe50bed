import { Spinner } from "../../components/Spinner";

interface CheckStateProps {
  editable: boolean;
  checking: boolean;
  checkError: string | undefined;
  problems: number;
  warnings: number;
}

/** How the latest check of the edited text went, next to the view switch. */
export function CheckState({
  editable,
  checking,
  checkError,
  problems,
  warnings,
}: CheckStateProps) {
  if (!editable) return <span className="badge">Read-only</span>;
  if (checkError) return <span className="badge badge-danger">Check failed: {checkError}</span>;
  if (checking) {
    return (
      <span className="badge">
        <Spinner label="Checking" /> Checking…
      </span>
    );
  }
  if (problems > 0) {
    return (
      <span className="badge badge-danger">
        {problems} problem{problems === 1 ? "" : "s"}
      </span>
    );
  }
  if (warnings > 0) {
    return (
      <span className="badge badge-warn">
        Valid, {warnings} warning{warnings === 1 ? "" : "s"}
      </span>
    );
  }
  return <span className="badge badge-ok">✓ Valid</span>;
}
