// Names of sweep points, built from their values: `method=lora,r=8,seed=1`. Short, safe as a file or folder name on
// every system, and the same for the same config.

/** Characters kept in a name; anything else becomes "-". None is special to a shell path, Windows or a URL path. */
const UNSAFE = /[^A-Za-z0-9._+-]+/g;
const MAX_VALUE_LENGTH = 32;
const MAX_NAME_LENGTH = 120;

/**
 * A short label per path, unique among them: the last key ("adapters.*.r" → "r"), or as many keys from the end as
 * it takes to tell two apart ("train.full.epochs" and "train.adapter.epochs" → "full.epochs", "adapter.epochs").
 */
export function pathLabels(paths: string[]): string[] {
  const keys = paths.map((p) => p.split('.').filter((k) => k !== '*'));
  const labelOf = (k: string[], n: number) => safe(k.slice(-n).join('.') || 'value');
  const labels = keys.map((k) => labelOf(k, 1));
  for (let round = 2; round <= Math.max(1, ...keys.map((k) => k.length)); round++) {
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    let changed = false;
    labels.forEach((l, i) => {
      if ((counts.get(l) ?? 0) > 1 && keys[i].length >= round) {
        labels[i] = labelOf(keys[i], round);
        changed = true;
      }
    });
    if (!changed) break;
  }
  return labels;
}

/**
 * A value as a name part: strings as written, numbers in JavaScript's shortest form, lists joined by "+" (an empty
 * one is "none"), objects by their values ({ "builtin": "lab-base" } → "lab-base", { "random": {} } → "random").
 */
export function valueText(value: unknown): string {
  const text = rawText(value);
  const cleaned = safe(text) || 'empty';
  return cleaned.length > MAX_VALUE_LENGTH ? `${cleaned.slice(0, MAX_VALUE_LENGTH - 9)}-${hash(text)}` : cleaned;
}

function rawText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(rawText).join('+');
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return 'default';
    return entries
      .map(([k, v]) => (typeof v === 'string' ? v : v !== null && typeof v === 'object' && Object.keys(v).length === 0 ? k : `${k}-${rawText(v)}`))
      .join('-');
  }
  return String(value);
}

/** `label=value` parts joined by ","; a too-long name keeps its start and gets a hash of the whole. */
export function pointName(parts: { label: string; value: unknown }[]): string {
  if (parts.length === 0) return 'base';
  const name = parts.map((p) => `${p.label}=${valueText(p.value)}`).join(',');
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 9)}-${hash(name)}` : name;
}

/** Unique names in the same order: a repeated name gets ~2, ~3, … (random samples may repeat). */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(names);
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === 1) return name;
    let candidate = `${name}~${n}`;
    for (let k = n; taken.has(candidate); k++) candidate = `${name}~${k + 1}`;
    taken.add(candidate);
    return candidate;
  });
}

function safe(text: string): string {
  return text
    .replace(UNSAFE, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** 8 hex digits of FNV-1a: stable across runs and systems. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
