interface ErrorNoticeProps {
  /** The API's message, shown as the API wrote it. */
  message: string;
  onRetry?: () => void;
}

export function ErrorNotice({ message, onRetry }: ErrorNoticeProps) {
  return (
    <div className="notice notice-danger button-row" role="alert">
      <span className="notice-message">{message}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
