// The AdapterHub-like setup syntax: `Stack(domain, Fuse(sentiment, genre))`, `Split(a, b, splits=[4, 60])`,
// `BatchSplit(a, b, batch_sizes=[2, 2])`, `Average(a, b, weights=[0.7, 0.3])`. Adapter names are bare words or
// quoted ('my adapter'). Errors carry the offset and length of the offending text within the string.
import { closest } from '../config/wording';
import { ARGUMENT_NAMES, type ArgumentName, BLOCK_ARGUMENTS, argumentOwner, checkBlockArguments, setArgument, takesText } from './arguments';
import { type Block, type NodeSource, type SetupNode } from './tree';
import { BLOCKS, type BlockKind } from '../../common/blocks';

export interface SetupError {
  start: number;
  length: number;
  code: string;
  message: string;
}

export type ParseResult = { node: SetupNode; error?: undefined } | { node?: undefined; error: SetupError };

class SyntaxFailure extends Error {
  constructor(readonly detail: SetupError) {
    super(detail.message);
  }
}

type Token =
  | { type: 'word'; text: string; start: number; end: number; quoted: boolean }
  | { type: 'number'; value: number; start: number; end: number }
  | { type: 'punct'; text: '(' | ')' | ',' | '=' | '[' | ']'; start: number; end: number }
  | { type: 'end'; start: number; end: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if ('(),=[]'.includes(c)) {
      tokens.push({ type: 'punct', text: c as '(' | ')' | ',' | '=' | '[' | ']', start: i, end: i + 1 });
      i++;
    } else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) fail(i, text.length - i, 'unclosed-quote', `unclosed quote: add ${c} after the adapter name`);
      if (close === i + 1) fail(i, 2, 'empty-name', 'empty adapter name');
      tokens.push({ type: 'word', text: text.slice(i + 1, close), start: i, end: close + 1, quoted: true });
      i = close + 1;
    } else {
      const number = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      const word = /^[^\s(),=[\]'"]+/.exec(text.slice(i));
      if (number && number[0].length === word?.[0].length) {
        tokens.push({ type: 'number', value: Number(number[0]), start: i, end: i + number[0].length });
        i += number[0].length;
      } else {
        const w = word![0];
        tokens.push({ type: 'word', text: w, start: i, end: i + w.length, quoted: false });
        i += w.length;
      }
    }
  }
  tokens.push({ type: 'end', start: text.length, end: text.length });
  return tokens;
}

function fail(start: number, length: number, code: string, message: string): never {
  throw new SyntaxFailure({ start, length: Math.max(length, 1), code, message });
}

const describe = (t: Token): string => (t.type === 'end' ? 'the end of the setup' : t.type === 'number' ? `${t.value}` : `"${t.text}"`);

/** Parses a setup string; `path` is the JSON path of the string, recorded in each node's source. */
export function parseSetup(text: string, path: (string | number)[] = []): ParseResult {
  try {
    const tokens = tokenize(text);
    let pos = 0;
    const peek = () => tokens[pos];
    const next = () => tokens[pos++];
    const source = (start: number, end: number): NodeSource => ({ path, start, length: end - start });
    const expectPunct = (p: string, what: string): Token => {
      const t = next();
      if (t.type !== 'punct' || t.text !== p) fail(t.start, t.end - t.start, 'syntax', `expected ${what}, found ${describe(t)}`);
      return t;
    };

    const parseNumbers = (): { values: number[]; start: number; end: number } => {
      const t = peek();
      if (t.type === 'number') {
        next();
        return { values: [t.value], start: t.start, end: t.end };
      }
      const open = expectPunct('[', 'a number or a list such as [4, 60]');
      const values: number[] = [];
      for (;;) {
        const v = next();
        if (v.type === 'punct' && v.text === ']' && values.length === 0)
          fail(open.start, v.end - open.start, 'empty-list', 'the list is empty: give one number per child');
        if (v.type !== 'number') fail(v.start, v.end - v.start, 'syntax', `expected a number, found ${describe(v)}`);
        values.push(v.value);
        const sep = next();
        if (sep.type === 'punct' && sep.text === ']') return { values, start: open.start, end: sep.end };
        if (sep.type !== 'punct' || sep.text !== ',') fail(sep.start, sep.end - sep.start, 'syntax', `expected "," or "]" in the list, found ${describe(sep)}`);
      }
    };

    const parseNode = (): SetupNode => {
      const t = next();
      if (t.type !== 'word') {
        fail(t.start, t.end - t.start, 'syntax', `expected an adapter name or a block (${BLOCKS.join(', ')}), found ${describe(t)}`);
      }
      const after = peek();
      const opens = after.type === 'punct' && after.text === '(';
      if (!opens || t.quoted) return { kind: 'adapter', name: t.text, source: source(t.start, t.end) };
      if (!(BLOCKS as readonly string[]).includes(t.text)) {
        const guess = closest(t.text, BLOCKS);
        fail(
          t.start,
          t.end - t.start,
          'unknown-block',
          `unknown composition block "${t.text}"${guess ? `; did you mean "${guess}"?` : ''} Blocks: ${BLOCKS.join(', ')}`,
        );
      }
      const kind = t.text as BlockKind;
      next(); // (
      const block: Block = { kind, children: [], source: source(t.start, t.end) };
      const seen = new Set<string>();
      for (;;) {
        const a = peek();
        if (a.type === 'punct' && a.text === ')') break;
        const isKeyword = a.type === 'word' && !a.quoted && tokens[pos + 1].type === 'punct' && (tokens[pos + 1] as { text: string }).text === '=';
        if (isKeyword) {
          keywordArgument(block, a as Extract<Token, { type: 'word' }>, seen);
        } else {
          if (seen.size > 0) fail(a.start, a.end - a.start, 'syntax', `adapters come before keyword arguments in ${kind}(…)`);
          block.children.push(parseNode());
        }
        const sep = peek();
        if (sep.type === 'punct' && sep.text === ',') next();
        else if (!(sep.type === 'punct' && sep.text === ')')) {
          fail(
            sep.start,
            sep.end - sep.start,
            'syntax',
            sep.type === 'end' ? `missing ")" to close ${kind}(` : `expected "," or ")" in ${kind}(…), found ${describe(sep)}`,
          );
        }
      }
      const close = next();
      block.source = source(t.start, close.end);
      checkBlock(block, t.start, close.end);
      return block;
    };

    const keywordArgument = (block: Block, key: Extract<Token, { type: 'word' }>, seen: Set<string>) => {
      const allowed = BLOCK_ARGUMENTS[block.kind];
      if (!(allowed as readonly string[]).includes(key.text)) {
        const owner = argumentOwner(key.text);
        const guess = closest(key.text, allowed.length ? allowed : ARGUMENT_NAMES);
        const reason = owner
          ? `${block.kind} takes no "${key.text}" (that belongs to ${owner})`
          : `unknown argument "${key.text}"${guess ? `; did you mean "${guess}"?` : ''}`;
        fail(key.start, key.end - key.start, 'unknown-argument', `${reason}; ${takesText(block.kind)}`);
      }
      if (seen.has(key.text)) fail(key.start, key.end - key.start, 'duplicate-argument', `"${key.text}" is given twice`);
      seen.add(key.text);
      next(); // key
      next(); // =
      const { values, start, end } = parseNumbers();
      const name = key.text as ArgumentName;
      setArgument(block, name, values);
      argumentSpans.set(block, { ...argumentSpans.get(block), [name]: { start, end } });
      block.argumentSources = { ...block.argumentSources, [name]: source(start, end) };
    };

    const argumentSpans = new Map<Block, Partial<Record<ArgumentName, { start: number; end: number }>>>();
    const checkBlock = (block: Block, start: number, end: number) => {
      const problem = checkBlockArguments(block);
      if (!problem) return;
      const span = (problem.argument && argumentSpans.get(block)?.[problem.argument]) || { start, end };
      fail(span.start, span.end - span.start, problem.code, problem.message);
    };

    const node = parseNode();
    const rest = peek();
    if (rest.type !== 'end')
      fail(
        rest.start,
        text.length - rest.start,
        'syntax',
        `unexpected ${describe(rest)} after the setup; combine several adapters in a block, e.g. Stack(a, b)`,
      );
    return { node };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { error: e.detail };
    throw e;
  }
}
