// The messages every webview panel shares, and the small type guards both ends validate messages with.
// Each view adds its own messages in its own file (curves.ts, compare.ts, graph.ts, parameters.ts) and unions them
// with these. The host never trusts a message from a webview: it checks it with a guard, and logs and drops the rest.

/** Webview → host, every view: sent once the script has loaded and listens; the host queues messages until then. */
export interface ReadyMessage {
  type: 'ready';
}

/**
 * Webview → host, every view: the page could not load one of its own files (the bundle or theme.css), so it cannot
 * run; sent by the page's inline loader script, and the host loads the page again. VS Code for the web can restore a
 * panel after a reload before its service worker serves the extension's files: the requests then leave for
 * vscode-cdn.net and fail (microsoft/vscode#326544), the second panel restored at once being the usual victim.
 */
export interface LoadFailedMessage {
  type: 'load-failed';
  resource: string;
}

/** Host → webview, every view: something the view cannot show; the view shows the message in place of its content. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  /** e.g. the file and line that is broken */
  detail?: string;
}

export type CommonFromWebview = ReadyMessage | LoadFailedMessage;
export type CommonToWebview = ErrorMessage;

// ---- guards -------------------------------------------------------------------------------------------------

export type Guard<T> = (value: unknown) => value is T;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isOneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (v: unknown): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);
}

export function isArrayOf<T>(item: Guard<T>): Guard<T[]> {
  return (v: unknown): v is T[] => Array.isArray(v) && v.every(item);
}

/**
 * A guard for `{ type: <type>, ...fields }`: each field's guard must accept its value; fields the shape does not name
 * are not allowed (a misspelt field is a bug on the other side, not something to ignore silently).
 */
export function messageOf<T extends { type: string }>(type: T['type'], fields: { [K in Exclude<keyof T, 'type'>]-?: Guard<T[K]> }): Guard<T> {
  const guards = fields as Record<string, Guard<unknown>>;
  return (v: unknown): v is T => {
    if (!isRecord(v) || v.type !== type) return false;
    for (const key of Object.keys(v)) if (key !== 'type' && !(key in guards)) return false;
    return Object.entries(guards).every(([key, guard]) => guard(v[key]));
  };
}

/** Makes a field's guard accept `undefined` too (an optional field). */
export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v: unknown): v is T | undefined => v === undefined || guard(v);
}

export const isReadyMessage = messageOf<ReadyMessage>('ready', {});
export const isLoadFailedMessage = messageOf<LoadFailedMessage>('load-failed', { resource: isString });
export const isErrorMessage = messageOf<ErrorMessage>('error', { message: isString, detail: optional(isString) });

/** A union guard: the first guard that accepts wins. */
export function anyOf<T>(...guards: Guard<T>[]): Guard<T> {
  return (v: unknown): v is T => guards.some((g) => g(v));
}
