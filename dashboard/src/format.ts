import type { Identity } from './api/api-types.js';

/** What the dashboard calls a person: their name, else their number. */
export function personLabel(identity: Pick<Identity, 'id' | 'name'>): string {
  return identity.name ?? `Person ${identity.id}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function timeAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** Local time of day, to the second. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "1 min", "5 min", "1 h". */
export function duration(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;
}

/** A rate with one decimal. */
export function perSecond(value: number): string {
  return value.toFixed(1);
}
