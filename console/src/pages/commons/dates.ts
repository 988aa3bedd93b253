/** Dates as the console shows and sends them: local calendar days in, ISO instants out. */

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant for people: "Dec 1, 2026, 1:55 PM" in the browser's locale, or "—". */
export function formatDate(value: string | undefined | null): string {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The end of a local calendar day (`YYYY-MM-DD`, as a date picker gives it) as an instant: a role or an
 * access "until" that date holds all of it.
 */
export function endOfDay(day: string): string {
  return new Date(`${day}T23:59:59.999`).toISOString();
}

/** Today's local calendar date, `YYYY-MM-DD`. */
export const today = (): string => localDate(new Date().toISOString());
