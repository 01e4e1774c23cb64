// Source ranges for graph items: the whole `"name": { … }` property that defines an adapter, task or composition,
// and the exact text of a block inside a setup string.
import type { NodeSource } from '../composition/tree';
import { type JsoncDocument, nodeAt, rangeAt, rangeInString, rangeOfPath } from '../config/parse';
import type { SourceRange } from '../../common/sourceRange';

/** The property at `path`, key through value, so selecting it shows the whole definition. */
export function definitionRange(doc: JsoncDocument, path: (string | number)[]): SourceRange {
  const node = nodeAt(doc, path);
  const property = node?.parent?.type === 'property' ? node.parent : undefined;
  return property ? rangeAt(doc, property.offset, property.length) : rangeOfPath(doc, path);
}

/** Where a composition node was written: its span inside the setup string, or its place in a JSON setup tree. */
export function setupNodeRange(doc: JsoncDocument, source: NodeSource): SourceRange {
  if (source.start !== undefined) {
    const inString = rangeInString(doc, source.path, source.start, source.length ?? 1);
    if (inString) return inString;
  }
  return rangeOfPath(doc, source.path, source.part);
}
