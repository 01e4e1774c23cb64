// Fuzz of the shipped configs (their sweeps' points checked too, as the CLI and the editor check them): every number in examples/*.adapterlab.json replaced by absurd values, and the
// mistakes issue #14 lists written into each. Checking never throws; every problem points inside the text; an absurd
// value is an error at its own line:column (as `adapter-lab check` and the editor report it), unless the field is one
// where any size is harmless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { type JSONPath, applyEdits, findNodeAtLocation, modify, parseTree, type Node } from 'jsonc-parser';
import { checkExperimentText } from '../../src/core/sweep/check';
import { DISK_CHECKS } from '../../src/core/config/diskChecks';
import type { ConfigProblem } from '../../src/core/config/types';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const SHIPPED = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.adapterlab.json') && !f.startsWith('broken'));

/**
 * Fields where any size the schema's type allows is harmless: a huge value means "never" or "off", or (the learning
 * rate) training stops at its first step saying to lower it, which is the right advice.
 */
const HARMLESS_HUGE = new Set(['maxGradNorm', 'logEvery', 'earlyStoppingPatience', 'reductionFactor', 'learningRate']);

function numbers(node: Node | undefined, at: JSONPath = []): { path: JSONPath; node: Node }[] {
  if (!node) return [];
  if (node.type === 'number') return [{ path: at, node }];
  if (node.type === 'array') return (node.children ?? []).flatMap((c, i) => numbers(c, [...at, i]));
  if (node.type === 'object') return (node.children ?? []).flatMap((p) => numbers(p.children![1], [...at, p.children![0].value as string]));
  return [];
}

function check(text: string, file: string): ConfigProblem[] {
  const { config, problems } = checkExperimentText(text, file, DISK_CHECKS);
  assert.ok(config || problems.length > 0);
  for (const p of problems) {
    assert.ok(p.range.offset >= 0 && p.range.offset + p.range.length <= text.length, `range inside the text: ${p.message}`);
    assert.ok(p.range.line >= 1 && p.range.column >= 1, p.message);
  }
  return problems;
}

/** An error is reported whose range covers [offset, offset + length). */
function reportedAt(problems: ConfigProblem[], offset: number, length: number): boolean {
  return problems.some((p) => p.severity === 'error' && p.range.offset <= offset && offset + length <= p.range.offset + Math.max(p.range.length, 1));
}

for (const name of SHIPPED) {
  const file = path.join(EXAMPLES, name);
  const text = fs.readFileSync(file, 'utf8');

  test(`${name}: as shipped, it is valid`, () => {
    assert.deepEqual(
      check(text, file).map((p) => p.message),
      [],
    );
  });

  test(`${name}: every number replaced by absurd values is reported at that number, or harmless`, () => {
    for (const { path: at, node } of numbers(parseTree(text))) {
      const field = String([...at].reverse().find((k) => typeof k === 'string'));
      for (const value of ['1e30', '-1e30', '0', '-1', '0.5', 'NaN']) {
        const mutated = text.slice(0, node.offset) + value + text.slice(node.offset + node.length);
        const problems = check(mutated, file);
        if (value === 'NaN') assert.ok(problems.length > 0, 'NaN is not JSON');
        if (value === '1e30' && !HARMLESS_HUGE.has(field) && !(at[0] === 'merges' && at.includes('weights'))) {
          assert.ok(
            reportedAt(problems, node.offset, value.length),
            `${at.join('.')} = ${value} is accepted: ${problems.map((p) => p.message).join('; ') || 'no problem'}`,
          );
        }
      }
    }
  });

  test(`${name}: the mistakes of issue #14 are each reported at the value written`, () => {
    const tree = parseTree(text)!;
    const adapters = findNodeAtLocation(tree, ['adapters']);
    const adapterNames = (adapters?.children ?? []).map((p) => p.children![0].value as string);
    const nonPrefix = adapterNames.find((a) => findNodeAtLocation(tree, ['adapters', a, 'method'])?.value !== 'prefix');
    // bottleneckSize is an option of the bottleneck methods (an unknown key elsewhere, reported at the key).
    const bottleneck = adapterNames.find((a) =>
      ['houlsby', 'pfeiffer', 'parallel', undefined].includes(findNodeAtLocation(tree, ['adapters', a, 'method'])?.value),
    );
    const mistakes: [JSONPath, unknown][] = [
      [['train', 'batchSize'], 1e30],
      [['train', 'epochs'], 1e30],
      [['train', 'maxLength'], 600],
      [['split', 'test'], 0],
      [['split', 'validation'], 0],
      ...(bottleneck ? ([[['adapters', bottleneck, 'bottleneckSize'], 200]] as [JSONPath, unknown][]) : []),
      ...(nonPrefix ? ([[['adapters', nonPrefix, 'leaveOut'], [5]]] as [JSONPath, unknown][]) : []),
    ];
    for (const [at, value] of mistakes) {
      const mutated = applyEdits(text, modify(text, at, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
      const node = findNodeAtLocation(parseTree(mutated)!, Array.isArray(value) ? [...at, 0] : at)!;
      const problems = check(mutated, file);
      assert.ok(
        reportedAt(problems, node.offset, node.length),
        `${at.join('.')} = ${JSON.stringify(value)}: ${problems.map((p) => `${p.range.line}:${p.range.column} ${p.message}`).join('; ') || 'accepted'}`,
      );
    }
  });
}
