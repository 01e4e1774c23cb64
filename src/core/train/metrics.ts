/** Accuracy and macro-F1 (unweighted mean of per-class F1; a class never predicted nor present is skipped). */
export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  count: number;
}

export function classificationMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): ClassificationMetrics {
  const tp = new Array<number>(classes).fill(0);
  const fp = new Array<number>(classes).fill(0);
  const fn = new Array<number>(classes).fill(0);
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === actual[i]) {
      correct++;
      tp[actual[i]]++;
    } else {
      fp[predicted[i]]++;
      fn[actual[i]]++;
    }
  }
  const f1s: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (tp[c] + fp[c] + fn[c] === 0) continue;
    f1s.push((2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]));
  }
  return {
    accuracy: actual.length ? correct / actual.length : 0,
    macroF1: f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0,
    count: actual.length,
  };
}
