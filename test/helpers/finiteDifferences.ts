// The analytic gradient of a scalar loss against central finite differences, at a few elements spread over each
// variable (first, a third of the way, last). Shared by the model and adapter gradient tests.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

export function assertGradientsMatchFiniteDifferences(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  label: (v: tf.Variable) => string = (v) => v.name,
): void {
  const { grads } = tf.variableGrads(loss, variables);
  const eps = 1e-2;
  for (const v of variables) {
    const analytic = grads[v.name].dataSync();
    const values = v.dataSync().slice();
    for (const i of [0, Math.floor(values.length / 3), values.length - 1]) {
      const at = (delta: number) => {
        const changed = values.slice();
        changed[i] += delta;
        v.assign(tf.tensor(changed, v.shape));
        return loss().dataSync()[0];
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(values, v.shape));
      const tolerance = 2e-3 + 0.05 * Math.abs(numeric);
      assert.ok(Math.abs(analytic[i] - numeric) <= tolerance, `${label(v)}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`);
    }
  }
  tf.dispose(Object.values(grads));
}
