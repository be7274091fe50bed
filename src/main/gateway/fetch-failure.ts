/**
 * The short cause of a failed fetch, for a person: "ECONNREFUSED" rather than undici's
 * "fetch failed", and the time waited rather than "The operation was aborted due to timeout".
 */
export function fetchFailure(error: unknown, timeoutMs?: number): string {
  if ((error as Error).name === "TimeoutError" && timeoutMs !== undefined) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
