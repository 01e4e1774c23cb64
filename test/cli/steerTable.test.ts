// The Markdown steer-report prints: single-attribute rows in one table, two-attribute rows grouped by target (a
// composition beside the single adapters on the same target), shares with their standard errors, the two
// targets counted, and three samples per setup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { steerTable } from '../../src/cli/steerReport';
import type { SteerRow } from '../../src/core/run/steerReport';

function row(setup: string, kind: SteerRow['kind'], target: Record<string, string>, share: Record<string, number>, joint?: number): SteerRow {
  return {
    setup,
    kind,
    target,
    share,
    ...(joint !== undefined && { joint }),
    perplexity: 150.25,
    distinct2: 0.8,
    trainableParams: kind === 'base' || kind === 'held-out' ? 0 : 18432,
    msPerToken: kind === 'held-out' ? null : 17.26,
    samples: kind === 'held-out' ? 75 : 200,
    examples: [`${setup} one`, `${setup} two`, `${setup} three`],
  };
}

const pos = { sentiment: 'positive' };
const posRest = { sentiment: 'positive', domain: 'restaurant' };
const posMovie = { sentiment: 'positive', domain: 'movie' };
const ROWS = [
  row('held-out reviews', 'held-out', posRest, { sentiment: 0.9, domain: 0.8 }, 0.75),
  row('positive', 'adapter', pos, { sentiment: 0.85 }),
  row('positive', 'adapter', posRest, { sentiment: 0.85, domain: 0.2 }, 0.15),
  row('positive', 'adapter', posMovie, { sentiment: 0.85, domain: 0.5 }, 0.4),
  row('restaurant', 'adapter', { domain: 'restaurant' }, { domain: 0.7 }),
  row('restaurant', 'adapter', posRest, { sentiment: 0.5, domain: 0.7 }, 0.35),
  row('Stack(positive, restaurant)', 'composition', posRest, { sentiment: 0.8, domain: 0.7 }, 0.6),
];

test('steer-report prints one table per kind of target, the two targets checked, and three samples per setup', () => {
  const text = steerTable(ROWS, { samples: 200, seed: 1, maxTokens: 40, temperature: 1, topP: 0.9 });
  const lines = text.split('\n');
  const single = lines.slice(lines.indexOf('One attribute:'), lines.indexOf('Two attributes:'));
  assert.deepEqual(
    single.filter((l) => l.startsWith('| ') && !l.startsWith('| setup') && !l.startsWith('| ---')).map((l) => l.split(' | ').slice(0, 3)),
    [
      ['| positive', 'positive', 'sentiment 85.0% ± 2.5'],
      ['| restaurant', 'restaurant', 'domain 70.0% ± 3.2'],
    ],
  );
  // Grouped by target in the order targets first appear; the held-out row shows its n and no ms/token.
  const pairs = lines.slice(lines.indexOf('Two attributes:')).filter((l) => l.startsWith('| ') && !l.startsWith('| setup') && !l.startsWith('| ---'));
  assert.deepEqual(
    pairs.map((l) => l.split(' | ').slice(0, 2)),
    [
      ['| held-out reviews (75)', 'positive + restaurant'],
      ['| positive', 'positive + restaurant'],
      ['| restaurant', 'positive + restaurant'],
      ['| Stack(positive, restaurant)', 'positive + restaurant'],
      ['| positive', 'positive + movie'],
    ],
  );
  assert.match(pairs[0], /\| 75\.0% ± 5\.0 \| 150\.3 \| 0\.800 \| 0 \| – \|$/);
  assert.match(pairs[3], /\| 60\.0% ± 3\.5 \| 150\.3 \| 0\.800 \| 18,432 \| 17\.3 \|$/);
  assert.ok(lines.includes('Each single adapter ≥ 80% on its attribute: 1 of 2 (positive 85.0% ± 2.5, restaurant 70.0% ± 3.2).'));
  assert.ok(lines.some((l) => l.includes('by more than two standard errors): 1 of 1.')));
  assert.ok(lines.includes('- Stack(positive, restaurant) 60.0%: vs positive 15.0% +45.0 ± 4.3, vs restaurant 35.0% +25.0 ± 4.8 — beats each'));
  for (const setup of ['held-out reviews', 'positive', 'restaurant', 'Stack(positive, restaurant)'])
    assert.deepEqual(lines.slice(lines.indexOf(`${setup}:`) + 1, lines.indexOf(`${setup}:`) + 4), [
      `  - "${setup} one"`,
      `  - "${setup} two"`,
      `  - "${setup} three"`,
    ]);
});
