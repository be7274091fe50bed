// One-line description of a thrown value, for reports.

/**
 * fetch reports a refused connection or a timeout as "fetch failed" with the useful part in
 * `cause`, so that part is preferred.
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
