import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { RUN_DASHES, RUN_PALETTE, assignRunColors, leastUsedColor, panelRunStyles, runColor } from '../../src/common/runColors';
import { RUN_ICONS_DIR, expectedRunIcons } from '../../scripts/run-icons';

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('every run colour is readable (3:1 or more) on the light, dark and high-contrast backgrounds', () => {
  for (const color of RUN_PALETTE) {
    for (const background of ['#ffffff', '#1e1e1e', '#1f1f1f', '#000000']) {
      assert.ok(contrast(color, background) >= 3, `${color} on ${background}: ${contrast(color, background).toFixed(2)}`);
    }
  }
  assert.equal(new Set(RUN_PALETTE).size, RUN_PALETTE.length);
  assert.ok(RUN_PALETTE.length >= 12, 'two experiments of adapters, full and head-only fit without repeats');
});

test("a panel's runs never share a colour: the older run keeps it, the newer takes one no shown run is stored with", () => {
  // Stored colours as after deletions: a and c both got colour 1, b has 0.
  const runs = [
    { id: 'c', createdAt: '2026-12-05T12:00:00Z', stored: 1 },
    { id: 'a', createdAt: '2026-12-05T10:00:00Z', stored: 1 },
    { id: 'b', createdAt: '2026-12-05T11:00:00Z', stored: 0 },
  ];
  const styles = panelRunStyles(runs);
  assert.deepEqual(styles.get('a'), { index: 1, pattern: 0 }, 'the older keeps its colour (and its tree icon agrees)');
  assert.deepEqual(styles.get('b'), { index: 0, pattern: 0 });
  assert.deepEqual(styles.get('c'), { index: 2, pattern: 0 }, 'the first colour no other shown run has');
  // Past the palette: colours repeat, each repeat with its own dash pattern, so no two runs look alike.
  const many = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, createdAt: `2026-12-05T10:0${i}:00Z`, stored: 0 }));
  const looks = [...panelRunStyles(many, 3).values()].map((s) => `${s.index}/${s.pattern}`);
  assert.equal(new Set(looks).size, 5, looks.join(' '));
  assert.deepEqual(looks, ['0/0', '1/0', '2/0', '0/1', '1/1']);
  assert.ok(RUN_DASHES[0].length === 0 && RUN_DASHES.slice(1).every((d) => d.length > 0));
});

test('new runs get the least-used colour; runs keep the colour they have', () => {
  const first = assignRunColors({}, ['a', 'b', 'c']);
  assert.deepEqual(first.assigned, { a: 0, b: 1, c: 2 });
  assert.equal(first.changed, true);
  const again = assignRunColors(first.assigned, ['c', 'a', 'd']);
  assert.deepEqual(again.assigned, { a: 0, b: 1, c: 2, d: 3 });
  assert.equal(assignRunColors(again.assigned, ['a']).changed, false);
  assert.equal(leastUsedColor([0, 1, 1, 2], 3), 0, 'ties go to the first of the least used');
});

test('no limit on runs: past the palette, colours are reused evenly', () => {
  const ids = Array.from({ length: RUN_PALETTE.length * 2 + 1 }, (_, i) => `run${i}`);
  const { assigned } = assignRunColors({}, ids);
  const counts = RUN_PALETTE.map((_, i) => Object.values(assigned).filter((x) => x === i).length);
  assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, counts.join(','));
  assert.equal(runColor(RUN_PALETTE.length), RUN_PALETTE[0]);
});

test('media/run-icons holds the icon of every colour and status (regenerate with scripts/run-icons.ts)', () => {
  for (const [file, svg] of expectedRunIcons()) {
    const p = path.join(RUN_ICONS_DIR, file);
    assert.ok(fs.existsSync(p), `${file} is missing: run node --import tsx scripts/run-icons.ts`);
    assert.equal(fs.readFileSync(p, 'utf8'), svg, `${file} is stale: run node --import tsx scripts/run-icons.ts`);
  }
});
