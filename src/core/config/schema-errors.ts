// Validates a parsed config against schemas/adapterlab.schema.json and turns ajv's errors into readable issues.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { JSONPath } from 'jsonc-parser';
import schema from '../../../schemas/adapterlab.schema.json';
import type { Issue } from './issue';
import { describeObject, describeValue, didYouMean, quoteList } from './wording';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // strict: a keyword typo in the schema fails loudly; strictRequired off because oneOf branches name
    // properties declared by their parent. `verbose` puts the failing schema and data on each error.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    // VS Code's own schema keywords, meaningless to ajv.
    ajv.addVocabulary(['allowComments', 'allowTrailingCommas', 'enumDescriptions', 'markdownDescription', 'defaultSnippets']);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

export function schemaIssues(value: unknown): Issue[] {
  const validate = validator();
  if (validate(value)) return [];
  return withoutNoise(validate.errors ?? []).map((e) => toIssue(e, toPath(value, e.instancePath)));
}

/**
 * The oneOf schemas only say which key must be present, so the oneOf error itself is the useful one and its
 * branches' `required` errors are noise. A wrong type makes every other error at the same place noise,
 * except an enum error, which lists the allowed values.
 */
function withoutNoise(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((e) => !oneOfs.some((prefix) => e.schemaPath.startsWith(prefix)));
  return kept.filter((e) => {
    const here = kept.filter((o) => o.instancePath === e.instancePath).map((o) => o.keyword);
    if (here.includes('enum')) return e.keyword === 'enum';
    if (here.includes('type')) return e.keyword === 'type';
    return true;
  });
}

/** JSON pointer (`/adapters/a~1b/leaveOut/0`) to a path whose array indices are numbers. */
function toPath(root: unknown, pointer: string): JSONPath {
  const path: JSONPath = [];
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(value) ? Number(segment) : segment;
    path.push(key);
    value = (value as Record<string | number, unknown>)[key];
  }
  return path;
}

function toIssue(e: ErrorObject, path: JSONPath): Issue {
  const who = describeValue(path);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const hint = didYouMean(key, allowed) || '; remove or rename it.';
      return {
        path: [...path, key],
        part: 'key',
        code: 'unknown-property',
        message: `unknown property "${key}" in ${describeObject(path)}${hint} Allowed: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return {
        path: [...path, key],
        code: 'missing-property',
        message: `missing property "${key}" in ${describeObject(path)}; add it`,
      };
    }
    case 'oneOf': {
      // Every oneOf in the schema is `[{ required: [a] }, { required: [b] }, ...]`: exactly one of these keys.
      const keys = (e.schema as { required: string[] }[]).map((branch) => branch.required[0]);
      const passing = params.passingSchemas as number[] | null;
      if (!passing) {
        return { path, part: 'key', code: 'missing-property', message: `${who} needs one of ${quoteList(keys)}` };
      }
      const present = passing.map((i) => keys[i]);
      return {
        path: [...path, present[present.length - 1]],
        part: 'key',
        code: 'conflicting-properties',
        message: `${who} has both ${quoteList(present)}; keep only one of them`,
      };
    }
    case 'dependencies': {
      const [key, needed] = [String(params.property), String(params.missingProperty)];
      return {
        path: [...path, key],
        part: 'key',
        code: 'requires-property',
        message: `"${key}" in ${describeObject(path)} only applies together with "${needed}": add "${needed}" or remove "${key}"`,
      };
    }
    case 'type':
      return { path, code: 'wrong-type', message: `${who} must be ${typeHint(String(params.type), e.data)}` };
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed.map(String)) : '';
      return {
        path,
        code: 'invalid-value',
        message: `${who} must be one of ${quoteList(allowed)}, not ${JSON.stringify(e.data)}${hint}`,
      };
    }
    case 'uniqueItems': {
      // ajv reports the first repeated pair: item j repeats the earlier item i.
      const [i, j] = [Number(params.i), Number(params.j)];
      return {
        path: [...path, j],
        code: 'duplicate-item',
        message: `${who} lists ${JSON.stringify((e.data as unknown[])[j])} twice (items ${i} and ${j}); remove one`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, code: 'out-of-range', message: `${who} must be ${params.comparison} ${params.limit}, not ${e.data}` };
    case 'minItems':
      return { path, code: 'too-few-items', message: `${who} needs at least ${params.limit} items` };
    case 'minLength':
      return { path, code: 'empty-value', message: `${who} must not be empty` };
    default:
      return { path, code: `schema-${e.keyword}`, message: `${who} ${e.message}` };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** "an integer, not a string (remove the quotes)", so the fix is obvious. */
function typeHint(expected: string, actual: unknown): string {
  const got = actual === null ? 'null' : Array.isArray(actual) ? 'array' : typeof actual;
  const base = `${article(expected)}, not ${got === 'null' ? 'null' : article(got)}`;
  const numeric = expected === 'number' || expected === 'integer';
  if (numeric && typeof actual === 'string' && actual.trim() !== '' && !Number.isNaN(Number(actual))) {
    return `${base}: remove the quotes around ${actual}`;
  }
  if (expected === 'integer' && typeof actual === 'number') return `a whole number, not ${actual}`;
  return base;
}
