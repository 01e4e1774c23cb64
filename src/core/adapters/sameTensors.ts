// Before saved adapters are averaged, their tensors must pair up: the same names (up to the adapter's own name) with
// the same shapes. When they do not, the folder at fault is named: one whose tensor differs from the same tensor in
// its own other layers is damaged; otherwise the one that differs from the majority; with no majority, every folder
// is named with what it holds, and none is blamed.
import { AdapterLoadError, type FloatTensors } from './load';

export interface SavedTensors {
  dir: string;
  name: string; // the adapter's name inside its tensor names
  tensors: FloatTensors;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const anyLayer = (tensor: string) => tensor.replace(/\.layer\.\d+\./, '.layer.*.');

/** Throws an AdapterLoadError naming the folder at fault when the adapters' tensors do not pair up. */
export function checkSameTensors(saved: SavedTensors[], rename: (tensor: string, from: string, to: string) => string): void {
  for (const s of saved) checkLayersAgree(s);
  const [first] = saved;
  // Every folder's tensors under the first adapter's name, so that they compare by name.
  const byFolder = saved.map((s) => new Map([...s.tensors].map(([tensor, t]) => [rename(tensor, s.name, first.name), t.shape])));
  const names = [...new Set(byFolder.flatMap((m) => [...m.keys()]))].sort();
  for (const tensor of names) {
    const groups = new Map<string, number[]>(); // shape (or "missing") → folders
    byFolder.forEach((m, i) => {
      const shape = m.get(tensor);
      const key = shape ? shapeText(shape) : 'missing';
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    if (groups.size === 1) continue;
    const shown = (i: number) => rename(tensor, first.name, saved[i].name);
    const [majorityKey, majority] = [...groups].sort((a, b) => b[1].length - a[1].length)[0];
    if (majority.length * 2 > saved.length) {
      const odd = [...groups].find(([key]) => key !== majorityKey)!;
      const i = odd[1][0];
      const what =
        odd[0] === 'missing'
          ? `has no tensor "${shown(i)}"`
          : majorityKey === 'missing'
            ? `has a tensor "${shown(i)}" ${odd[0]}`
            : `has tensor "${shown(i)}" with shape ${odd[0]}`;
      const others = majorityKey === 'missing' ? 'the other adapters have none' : `the other adapters have ${majorityKey}`;
      throw new AdapterLoadError(`${saved[i].dir}: adapter "${saved[i].name}" ${what}; ${others}: it was saved with another config, or its file is damaged`);
    }
    const each = saved.map((s, i) => `${s.dir}: ${byFolder[i].has(tensor) ? shapeText(byFolder[i].get(tensor)!) : 'missing'}`).join('\n  ');
    throw new AdapterLoadError(
      `tensor "${tensor}" differs between the adapters (shown under the name "${first.name}"):\n  ${each}\nthey were saved with different configs, or a file is damaged`,
    );
  }
}

/** A layer's tensor whose shape differs from the same tensor in the adapter's other layers: the file is damaged. */
function checkLayersAgree(s: SavedTensors): void {
  const groups = new Map<string, [string, number[]][]>();
  for (const [tensor, { shape }] of s.tensors) {
    if (!/\.layer\.\d+\./.test(tensor)) continue;
    groups.set(anyLayer(tensor), [...(groups.get(anyLayer(tensor)) ?? []), [tensor, shape]]);
  }
  for (const members of groups.values()) {
    const counts = new Map<string, number>();
    for (const [, shape] of members) counts.set(shapeText(shape), (counts.get(shapeText(shape)) ?? 0) + 1);
    if (counts.size === 1) continue;
    const common = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const [odd, shape] = members.find(([, shape]) => shapeText(shape) !== common)!;
    throw new AdapterLoadError(
      `${s.dir}: tensor "${odd}" has shape ${shapeText(shape)}, but the same tensor of the other layers has ${common}: the file is damaged`,
    );
  }
}
