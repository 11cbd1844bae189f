// The API key the console sends as `Authorization: Bearer <key>`: kept in
// localStorage so a reload keeps it, and a small store the shell watches to
// show the key prompt when the server answers 401.
const STORAGE = 'tributary.apiKey';

type Listener = () => void;
const listeners = new Set<Listener>();

let needed = false;
/** Bumped on every change of the key: views refetch when it moves. */
let version = 0;

function read(): string | null {
  try {
    return localStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

export function apiKey(): string | null {
  return read();
}

export function setApiKey(key: string | null): void {
  try {
    if (key) localStorage.setItem(STORAGE, key);
    else localStorage.removeItem(STORAGE);
  } catch {
    // Storage refused (private mode): the key lasts as long as the page.
  }
  needed = false;
  version++;
  emit();
}

/**
 * Whether an answer's status means the key is missing (401) or was refused
 * (403 while a key is set: the server's answer to a wrong one).
 */
export function keyAnswer(status: number): boolean {
  return status === 401 || (status === 403 && read() !== null);
}

/** Called on a 401: the shell shows the prompt. */
export function keyNeeded(): void {
  if (needed) return;
  needed = true;
  emit();
}

export function keyState(): { needed: boolean; version: number } {
  return { needed, version };
}

export function onKeyChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(): void {
  for (const l of [...listeners]) l();
}

/** The headers every call carries. */
export function authHeaders(): Record<string, string> {
  const key = read();
  return key ? { Authorization: `Bearer ${key}` } : {};
}
