// JSON-with-comments parsing that keeps the syntax tree, so every problem can point at an exact source range.
// Bundled from its ESM build (scripts/build.mjs: mainFields): the UMD build loads its parts with a dynamic require().
import { type JSONPath, type Node, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { SourceRange } from '../../common/sourceRange';

export interface JsoncSyntaxError {
  offset: number;
  length: number;
  message: string;
}

export interface JsoncDocument {
  text: string;
  root: Node | undefined; // undefined only for empty or hopeless text
  syntaxErrors: JsoncSyntaxError[];
  lineStarts: number[]; // offset of the first character of each line
}

// jsonc-parser only gives an error code; say how to fix the common ones.
const SYNTAX_HINTS: Record<string, string> = {
  CommaExpected: 'expected a comma: add "," between the two items',
  ColonExpected: 'expected a colon: add ":" after the property name',
  PropertyNameExpected: 'expected a property name in double quotes, e.g. "name"',
  ValueExpected: 'expected a value: a string, number, true, false, null, object or array',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'expected the end of the file: remove what follows the outermost "}"',
  InvalidSymbol: 'unexpected characters: strings and property names need double quotes',
};

export function parseJsonc(text: string): JsoncDocument {
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const syntaxErrors = errors.map(({ error, offset, length }) => {
    const code = printParseErrorCode(error);
    return { offset, length, message: `syntax error: ${SYNTAX_HINTS[code] ?? splitWords(code)}` };
  });
  return { text, root, syntaxErrors, lineStarts: lineStartsOf(text) };
}

function splitWords(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Line breaks are \n, \r\n or a lone \r, as in jsonc-parser and VS Code. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */ && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line and column (in UTF-16 code units, like VS Code and tsc) of an offset. */
export function positionAt(doc: JsoncDocument, offset: number): { line: number; column: number } {
  const starts = doc.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** The end position is exclusive (one past the last character), as in VS Code ranges. */
export function rangeAt(doc: JsoncDocument, offset: number, length: number): SourceRange {
  const start = positionAt(doc, offset);
  const end = positionAt(doc, offset + length);
  return { offset, length, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * For a JSON string literal as written (quotes and escapes included), the offset in the literal of each character
 * of its decoded value, plus one past the last: so a range inside the value maps back to the source text.
 */
export function stringOffsets(literal: string): number[] {
  const offsets: number[] = [];
  let i = 1; // after the opening quote
  while (i < literal.length - 1) {
    offsets.push(i);
    if (literal[i] !== '\\') i++;
    else if (literal[i + 1] === 'u') i += 6;
    else i += 2;
  }
  offsets.push(Math.min(i, literal.length - 1));
  return offsets;
}

/** Range of `length` decoded characters from `start` inside the string value at `path`. */
export function rangeInString(doc: JsoncDocument, path: JSONPath, start: number, length: number): SourceRange | undefined {
  const node = nodeAt(doc, path);
  if (node?.type !== 'string') return undefined;
  const offsets = stringOffsets(doc.text.slice(node.offset, node.offset + node.length));
  const from = offsets[Math.min(start, offsets.length - 1)];
  const to = offsets[Math.min(start + length, offsets.length - 1)];
  return rangeAt(doc, node.offset + from, Math.max(1, to - from));
}

/** The document as plain JSON (the last of repeated keys wins). */
export function valueOf(doc: JsoncDocument): unknown {
  return doc.root && getNodeValue(doc.root);
}

export function nodeAt(doc: JsoncDocument, path: JSONPath): Node | undefined {
  return doc.root && findNodeAtLocation(doc.root, path);
}

/**
 * Range of the value (or its property key) at `path`. For a missing property: the key of the nearest
 * enclosing property that exists, or the nearest existing object when that has no key (the root).
 */
export function rangeOfPath(doc: JsoncDocument, path: JSONPath, part: 'value' | 'key' = 'value'): SourceRange {
  const node = nodeAt(doc, path);
  if (node) {
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    const target = part === 'key' && key ? key : node;
    return rangeAt(doc, target.offset, target.length);
  }
  for (let n = path.length - 1; n >= 0; n--) {
    const ancestor = nodeAt(doc, path.slice(0, n));
    if (ancestor) return rangeOfPath(doc, path.slice(0, n), 'key');
  }
  return rangeAt(doc, 0, 0);
}

/** Keys repeated in one object: JSON parsers keep only the last, silently dropping a task or adapter. */
export function duplicateKeys(root: Node | undefined, path: JSONPath = []): { key: Node; path: JSONPath }[] {
  if (!root?.children) return [];
  if (root.type === 'array') return root.children.flatMap((item, i) => duplicateKeys(item, [...path, i]));
  if (root.type !== 'object') return [];
  const seen = new Set<string>();
  const found: { key: Node; path: JSONPath }[] = [];
  for (const property of root.children) {
    const [key, value] = property.children ?? [];
    if (!key) continue;
    const name = String(key.value);
    if (seen.has(name)) found.push({ key, path: [...path, name] });
    seen.add(name);
    found.push(...duplicateKeys(value, [...path, name]));
  }
  return found;
}
