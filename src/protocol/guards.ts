// Small type guards each end of a message channel (host ⇄ webview, host ⇄ trainer) checks what it receives with:
// the other end may be another build, or a bug, and a message that does not fit is logged and dropped.

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

/** A union guard: the first guard that accepts wins. */
export function anyOf<T>(...guards: Guard<T>[]): Guard<T> {
  return (v: unknown): v is T => guards.some((g) => g(v));
}
