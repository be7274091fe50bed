export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour12: false });
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Key ids are long thumbprints; the first and last characters are enough to tell them apart. */
export function shortKid(kid: string): string {
  return kid.length <= 14 ? kid : `${kid.slice(0, 6)}…${kid.slice(-6)}`;
}

/** "in 59 min", "in 7 d", "expired". */
export function formatExpiry(iso: string): string {
  const remainingMs = new Date(iso).getTime() - Date.now();
  if (Number.isNaN(remainingMs)) return iso;
  if (remainingMs <= 0) return "expired";
  const minutes = Math.round(remainingMs / 60_000);
  if (minutes < 120) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} d`;
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
