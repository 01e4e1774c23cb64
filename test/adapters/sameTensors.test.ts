// Saved adapters that do not pair up for averaging: the folder at fault is the one named, never a good one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSameTensors, type SavedTensors } from '../../src/core/adapters/sameTensors';
import { renameAdapterTensor } from '../../src/core/adapters/averageFiles';

function saved(dir: string, name: string, shapes: Record<string, number[]>): SavedTensors {
  const tensors = new Map(
    Object.entries(shapes).map(([t, shape]) => [t.replace('NAME', name), { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]),
  );
  return { dir, name, tensors };
}
const t = (layer: number) => `bert.encoder.layer.${layer}.output.adapters.NAME.adapter_up.weight`;
const good = (dir: string, name: string) => saved(dir, name, { [t(0)]: [16, 4], [t(1)]: [16, 4] });

test('a tensor unlike its own other layers blames its folder, wherever it comes in the list', () => {
  const bad = saved('/bad', 'b', { [t(0)]: [16, 4], [t(1)]: [16, 3] });
  for (const list of [
    [bad, good('/good', 'g')],
    [good('/good', 'g'), bad],
  ]) {
    assert.throws(
      () => checkSameTensors(list, renameAdapterTensor),
      /^Error: \/bad: tensor "bert\.encoder\.layer\.1\.output\.adapters\.b\.adapter_up\.weight" has shape \[16, 3\], but the same tensor of the other layers has \[16, 4\]: the file is damaged$/,
    );
  }
});

test('the odd one out of three is blamed; of two, both are named and neither blamed', () => {
  const other = saved('/other', 'o', { [t(0)]: [16, 8], [t(1)]: [16, 8] });
  assert.throws(
    () => checkSameTensors([other, good('/a', 'a'), good('/b', 'b')], renameAdapterTensor),
    /^Error: \/other: adapter "o" has tensor "[^"]*\.o\.adapter_up\.weight" with shape \[16, 8\]; the other adapters have \[16, 4\]/,
  );
  const missing = saved('/short', 's', { [t(0)]: [16, 4] });
  assert.throws(
    () => checkSameTensors([good('/a', 'a'), missing, good('/b', 'b')], renameAdapterTensor),
    /^Error: \/short: adapter "s" has no tensor "[^"]*layer\.1\.output\.adapters\.s\.adapter_up\.weight"/,
  );
  assert.throws(
    () => checkSameTensors([other, good('/a', 'a')], renameAdapterTensor),
    (e: Error) => {
      assert.match(e.message, /^tensor "[^"]+" differs between the adapters/);
      assert.match(e.message, /\/other: \[16, 8\]\n {2}\/a: \[16, 4\]/);
      return true;
    },
  );
  checkSameTensors([good('/a', 'a'), good('/b', 'b')], renameAdapterTensor);
});
