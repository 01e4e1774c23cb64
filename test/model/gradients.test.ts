// The analytic gradient of the whole model (encoder + adapter + head + loss) against central finite differences.
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BottleneckAdapter } from '../../src/core/adapters/modules/bottleneck';
import { Classifier } from '../../src/core/classifier/classifier';
import { ClassificationHead } from '../../src/core/model/heads';
import { crossEntropy } from '../../src/core/model/ops';
import { assertGradientsMatchFiniteDifferences } from '../helpers/finiteDifferences';
import { TINY, adapterSpec, backendReady, tinyEncoder, tinyInput } from '../helpers/tiny';

before(backendReady);

function checkGradients(model: Classifier, names: string[]): void {
  const input = tinyInput();
  const labels = tf.tensor1d([1, 0], 'int32');
  const trainable = new Map(model.trainable());
  const variables = names.map((n) => trainable.get(n)!);
  const nameOf = new Map(variables.map((v, k) => [v, names[k]]));
  assertGradientsMatchFiniteDifferences(
    () => crossEntropy(model.logits(input, 0, null)[0], labels),
    variables,
    (v) => nameOf.get(v)!,
  );
}

test('full fine-tuning: gradients of embeddings, attention, FFN, LayerNorm and head match finite differences', () => {
  const encoder = tinyEncoder(11);
  const head = new ClassificationHead('t', ['a', 'b'], 'mean', TINY.hiddenSize, 2);
  checkGradients(new Classifier(encoder, [head], null, true), [
    'bert.embeddings.word_embeddings.weight',
    'bert.embeddings.position_embeddings.weight',
    'bert.encoder.layer.0.attention.self.query.weight',
    'bert.encoder.layer.0.attention.self.key.weight',
    'bert.encoder.layer.1.attention.self.value.bias',
    'bert.encoder.layer.0.intermediate.dense.weight',
    'bert.encoder.layer.1.output.LayerNorm.weight',
    'heads.t.1.weight',
    'heads.t.4.bias',
  ]);
});

test('adapter: gradients of down/up projections match finite differences (up made non-zero first)', () => {
  const encoder = tinyEncoder(12);
  const adapter = new BottleneckAdapter(adapterSpec({ initStd: 0.5 }), TINY.hiddenSize, TINY.layers, 3);
  for (const [name, v] of adapter.weights.entries()) if (name.endsWith('adapter_up.weight')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 4));
  const head = new ClassificationHead('t', ['a', 'b'], 'cls', TINY.hiddenSize, 2);
  checkGradients(new Classifier(encoder, [head], adapter, false), [
    'bert.encoder.layer.0.attention.output.adapters.a.adapter_down.0.weight',
    'bert.encoder.layer.0.output.adapters.a.adapter_up.weight',
    'bert.encoder.layer.1.output.adapters.a.adapter_down.0.bias',
    'heads.t.1.weight',
  ]);
});
