// Latency percentiles over the measured calls.

/**
 * Nearest-rank percentile of an ascending array.
 * @param {ArrayLike<number>} sorted
 * @param {number} p in [0, 100]
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * @param {number[]} latenciesMs
 * @param {number} windowSeconds
 */
export function summarize(latenciesMs, windowSeconds) {
  // A typed array sorts numerically, unlike Array#sort without a comparator.
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    calls: sorted.length,
    callsPerSecond: sorted.length / windowSeconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}
