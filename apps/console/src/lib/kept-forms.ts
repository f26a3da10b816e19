import { useEffect, useRef, useState } from "react";

/**
 * What was typed survives the end of a session (STYLE.md 10: "a failed save keeps what was
 * typed"). A form that is open registers its current values with `useKeepOnSessionEnd`; when any
 * request answers 401 the query client calls `keepOpenForms()` before the login page replaces the
 * app, which writes those values to sessionStorage (this tab only, gone when it closes). After
 * sign-in the page at the same address re-opens the form (`useReopenKeptForm`) and the form starts
 * from the kept values (`useKeptValues`), so the person saves again without retyping.
 *
 * A form id names the form and what it edits, e.g. `bot:new` or `bot:<id>`.
 *
 * Values are kept for the person who typed them: when someone signs in (`signedInAs`), values
 * another person left in this tab are dropped, never offered to them.
 */

const STORAGE_KEY = "bridle.keptForms";
/** Kept values older than this are dropped rather than offered back. */
const MAX_AGE_MS = 12 * 3_600_000;

/** `person`: the signed-in person's id when the values were kept. */
type Kept = { form: string; path: string; person: string | null; values: unknown; at: number };

/** The forms open now: id -> a getter of their latest values. */
const openForms = new Map<string, () => unknown>();

const currentPath = () => (typeof window === "undefined" ? "" : window.location.pathname);

function read(): Kept[] {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    const list = raw ? (JSON.parse(raw) as Kept[]) : [];
    return Array.isArray(list) ? list.filter((k) => Date.now() - k.at < MAX_AGE_MS) : [];
  } catch {
    return [];
  }
}

function write(list: Kept[]): void {
  try {
    if (list.length) window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(list));
    else window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or blocked: the values cannot be kept; the login page then says nothing about them.
  }
}

/** Called when the session of `person` ends (any 401): keeps the values of every open form, at this address. */
export function keepOpenForms(person: string | null): void {
  if (openForms.size === 0) return;
  const path = currentPath();
  const kept = [...openForms].map(([form, values]) => ({ form, path, person, values: values(), at: Date.now() }));
  write([...read().filter((k) => !openForms.has(k.form)), ...kept]);
}

/**
 * Called when `person` is known to be signed in (before any form opens for them): drops the
 * values someone else kept in this tab, so one person's drafts never reach another.
 */
export function signedInAs(person: string): void {
  const list = read();
  const mine = list.filter((k) => k.person === person);
  if (mine.length !== list.length) write(mine);
}

/** True when some form's values wait for the person to sign in again. */
export function hasKeptForms(): boolean {
  return read().length > 0;
}

const find = (form: string) => read().find((k) => k.form === form && k.path === currentPath());

/** Registers an open form's values, to be kept if the session ends while it is open. */
export function useKeepOnSessionEnd(form: string, values: unknown): void {
  const latest = useRef(values);
  latest.current = values;
  useEffect(() => {
    openForms.set(form, () => latest.current);
    return () => {
      openForms.delete(form);
    };
  }, [form]);
}

/** Values just taken, for a second run of the same initializer (React's StrictMode runs it twice). */
const justTaken = new Map<string, unknown>();

/**
 * The values kept for `form` at this address, taken once: later mounts start fresh. Null when
 * nothing was kept.
 */
export function useKeptValues<T>(form: string): T | null {
  const [kept] = useState<T | null>(() => {
    if (justTaken.has(form)) return justTaken.get(form) as T;
    const found = find(form);
    if (!found) return null;
    write(read().filter((k) => !(k.form === found.form && k.path === found.path)));
    justTaken.set(form, found.values);
    setTimeout(() => justTaken.delete(form), 0);
    return found.values as T;
  });
  return kept;
}

/** Opens a form (calls `open` once) when values were kept for it at this address. */
export function useReopenKeptForm(form: string | null, open: () => void): void {
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || form === null || !find(form)) return;
    opened.current = true;
    open();
  }, [form, open]);
}
