/** Display helpers. Dates are shown as calendar dates in UTC so every viewer sees the same day. */

export const EMPTY = "—";

export function formatDate(value: string | null | undefined): string {
  if (!value) return EMPTY;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().slice(0, 10);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return EMPTY;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function isPast(value: string | null | undefined, now: Date = new Date()): boolean {
  if (!value) return false;
  const time = new Date(value).getTime();
  return !Number.isNaN(time) && time < now.getTime();
}

/** `golden_rule` -> `Golden rule`, `shell.exec` stays as is. */
export function humanize(value: string): string {
  if (value.includes(".")) return value;
  const text = value.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const relativeFormat = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });

/** `3 hours ago`, `in 2 days`, `just now`; the em dash for no value. */
export function formatRelative(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) return EMPTY;
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return value;
  const seconds = (time - now.getTime()) / 1000;
  const size = Math.abs(seconds);
  if (size < 45) return "just now";
  const [unit, unitSeconds] = RELATIVE_UNITS.find(([, length]) => size >= length) ?? ["minute", 60];
  return relativeFormat.format(Math.round(seconds / unitSeconds), unit);
}
