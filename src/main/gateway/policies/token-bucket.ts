/**
 * agentgateway's local rate limit bucket: it starts full, and every whole `intervalMs` since
 * the last fill adds `perFill` tokens, up to `size`. Fills are counted from when the bucket was
 * made, not from when it ran dry, so a client that waits for the fill the headers announce
 * gets its token then. Times are `performance.now()` readings; nothing runs between takes.
 */
export class TokenBucket {
  private available: number;
  private nextFillAt: number;

  constructor(
    readonly size: number,
    private readonly perFill: number,
    private readonly intervalMs: number,
  ) {
    this.available = size;
    this.nextFillAt = performance.now() + intervalMs;
  }

  /** Tokens left now. */
  get remaining(): number {
    return this.available;
  }

  /** Takes one token, if there is one at `now`. */
  take(now: number): boolean {
    this.fill(now);
    if (this.available === 0) return false;
    this.available--;
    return true;
  }

  /** Milliseconds from `now` until the next fill. */
  untilNextFill(now: number): number {
    return Math.max(this.nextFillAt - now, 0);
  }

  private fill(now: number): void {
    if (now < this.nextFillAt) return;
    const fills = Math.floor((now - this.nextFillAt) / this.intervalMs) + 1;
    this.nextFillAt += fills * this.intervalMs;
    this.available = Math.min(this.size, this.available + fills * this.perFill);
  }
}
