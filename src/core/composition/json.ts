// A setup written as a JSON tree instead of a string: `{ "Stack": ["domain", { "Fuse": ["sentiment", "genre"] }] }`,
// `{ "Split": ["a", "b"], "splits": [4, 60] }`. A string anywhere in the tree is read with the string syntax, so
// `{ "Stack": ["domain", "Fuse(sentiment, genre)"] }` is the same setup.
import { closest } from '../config/wording';
import { ARGUMENT_NAMES, BLOCK_EXAMPLES, checkBlockArguments, setArgument } from './arguments';
import { parseSetup } from './parse';
import type { SetupIssue } from './rules';
import { type Block, type SetupNode } from './tree';
import { BLOCKS, type BlockKind } from '../../common/blocks';

type JsonPath = (string | number)[];

export function setupFromJson(value: unknown, path: JsonPath): { node?: SetupNode; issue?: SetupIssue } {
  if (typeof value === 'string') {
    const parsed = parseSetup(value, path);
    if (parsed.node) return { node: parsed.node };
    const { start, length, code, message } = parsed.error;
    return { issue: { source: { path, start, length }, code, message } };
  }
  const issue = (at: JsonPath, code: string, message: string, part?: 'key') => ({ issue: { source: { path: at, ...(part && { part }) }, code, message } });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return issue(path, 'wrong-type', `a setup is a string such as "${BLOCK_EXAMPLES.Stack}" or an object such as { "Stack": ["domain", "sentiment"] }`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const blockKeys = entries.filter(([k]) => (BLOCKS as readonly string[]).includes(k)).map(([k]) => k);
  for (const [key] of entries) {
    if (blockKeys.includes(key) || (ARGUMENT_NAMES as readonly string[]).includes(key)) continue;
    const guess = closest(key, [...BLOCKS, ...ARGUMENT_NAMES]);
    return issue(
      [...path, key],
      'unknown-block',
      `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : ''} A setup object has one block key (${BLOCKS.join(', ')}) and its arguments (${ARGUMENT_NAMES.join(', ')})`,
      'key',
    );
  }
  if (blockKeys.length !== 1) {
    const at = blockKeys.length ? [...path, blockKeys[1]] : path;
    return issue(
      at,
      'block-count',
      `a setup object needs exactly one block key (${BLOCKS.join(', ')}), found ${blockKeys.length}; nest blocks inside the children array instead`,
    );
  }
  const kind = blockKeys[0] as BlockKind;
  const childrenValue = (value as Record<string, unknown>)[kind];
  if (!Array.isArray(childrenValue)) return issue([...path, kind], 'wrong-type', `"${kind}" must be an array of children, e.g. { "${kind}": ["a", "b"] }`);
  const block: Block = { kind, children: [], source: { path } };
  for (let i = 0; i < childrenValue.length; i++) {
    const child = setupFromJson(childrenValue[i], [...path, kind, i]);
    if (child.issue) return child;
    block.children.push(child.node!);
  }
  for (const name of ARGUMENT_NAMES) {
    const raw = (value as Record<string, unknown>)[name];
    if (raw === undefined) continue;
    const values = typeof raw === 'number' ? [raw] : raw;
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
      return issue([...path, name], 'wrong-type', `"${name}" must be a number or an array of numbers`);
    }
    setArgument(block, name, values as number[]);
    block.argumentSources = { ...block.argumentSources, [name]: { path: [...path, name] } };
  }
  const problem = checkBlockArguments(block);
  if (problem) return issue(problem.argument ? [...path, problem.argument] : [...path, kind], problem.code, problem.message);
  return { node: block };
}
