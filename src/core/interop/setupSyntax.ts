// An Adapter Lab setup string ("Fuse(sentiment, domain)", "Split(a, b, splits=[4])") as the Python expression that
// builds the same block with `adapters.composition` (Stack("a", "b"), …): the block syntax is AdapterHub's, adapter
// names become strings.
import { BLOCKS as BLOCK_KINDS } from '../../common/blocks';

const BLOCKS = new Set<string>(BLOCK_KINDS);

export function setupAsPython(setup: string): string {
  // A name followed by "(" is a block, by "=" an argument; any other name is an adapter.
  return setup.replace(/[A-Za-z_][\w-]*/g, (name, offset: number) => {
    const rest = setup.slice(offset + name.length).trimStart();
    if (rest.startsWith('(') && BLOCKS.has(name)) return name;
    if (rest.startsWith('=')) return name;
    return JSON.stringify(name);
  });
}
