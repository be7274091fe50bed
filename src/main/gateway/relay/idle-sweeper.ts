/**
 * Runs a sweep for idle sessions a few times per idle timeout (`config.mcp.sessionTtl`, which a
 * reload may change), so that a session is closed at most a quarter of the timeout late.
 */
export class IdleSweeper {
  private timer: NodeJS.Timeout | undefined;
  private ms = 0;

  constructor(
    timeoutMs: number,
    private readonly sweep: () => void,
  ) {
    this.timeoutMs = timeoutMs;
  }

  get timeoutMs(): number {
    return this.ms;
  }

  set timeoutMs(ms: number) {
    if (ms === this.ms) return;
    this.ms = ms;
    clearInterval(this.timer);
    this.timer = setInterval(this.sweep, Math.min(Math.max(ms / 4, 250), 60_000));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
