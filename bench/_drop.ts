import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/core/backend';
import { crossEntropy, dropoutMultiplier } from '../src/core/model/ops';
import { interleaved } from './measure';
import { MODELS, buildClassifier, buildEncoder, syntheticBatch } from './models';
import { optimizerFor, trainingStep } from './workloads';
async function main() {
  await selectBackend('wasm');
  const bench = MODELS['tiny-18'];
  const encoder = buildEncoder(bench);
  const batch = syntheticBatch(bench);
  const { classifier } = buildClassifier(bench, encoder, 'houlsby', false);
  const opt = optimizerFor(classifier);
  const vars = classifier.trainable().map(([, v]) => v);
  let s = 0;
  const v = (rate: number) => ({ name: `houlsby dropout ${rate}`, run: () => trainingStep(vars, opt, () => crossEntropy(classifier.logits(batch.input, rate, s++)[0], batch.labels[0])) });
  const masks = { name: 'masks only (2 layers)', run: () => tf.tidy(() => { for (let l = 0; l < 2; l++) { dropoutMultiplier([32, 4, 18, 18], 0.1, 1); tf.dropout(tf.ones([576, 128]), 0.1, undefined, 2); tf.dropout(tf.ones([576, 128]), 0.1, undefined, 3); } tf.dropout(tf.ones([576, 128]), 0.1, undefined, 4); }) };
  const t = interleaved([v(0), v(0.1), masks], 2, 7);
  for (const [x, r] of t) console.log(x.name.padEnd(26), r.cpuMs.toFixed(1));
}
main();
