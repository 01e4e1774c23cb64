// What a new user meets, as package.json and the examples declare it: the schemas apply to configs by file name (so a
// copied example keeps its hover docs: no relative "$schema" that breaks once the file moves), the Runs view's
// welcome text fits the workspace, and in Restricted Mode nothing offers to train.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/workspace';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;
const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));

test('every example config gets its schema from the extension by its name, wherever it is copied', () => {
  assert.ok(examples.length >= 8);
  for (const file of examples) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8');
    assert.doesNotMatch(text, /"\$schema"/, `${file}: a relative $schema breaks once the file is copied`);
    const association = contributes.jsonValidation.find((v: { fileMatch: string }) => globToRegExp(v.fileMatch).test(file));
    assert.ok(association, `${file} has a contributed schema`);
    assert.ok(fs.existsSync(path.join(ROOT, association.url)), association.url);
    const jsonc = contributes.languages.find((l: { id: string }) => l.id === 'jsonc');
    assert.ok(
      jsonc.filenamePatterns.some((p: string) => globToRegExp(p).test(file)),
      `${file} is JSON with comments`,
    );
  }
});

test("the Runs view's welcome text says what to do next: train a config, write one, or trust the workspace", () => {
  const welcome = new Map<string, string>(contributes.viewsWelcome.map((w: { when: string; contents: string }) => [w.when, w.contents]));
  assert.match(welcome.get('isWorkspaceTrusted && adapterLab.hasConfigs')!, /Right-click an experiment config[\s\S]*command:adapterLab\.train/);
  assert.match(welcome.get('isWorkspaceTrusted && !adapterLab.hasConfigs')!, /no experiment config in this workspace\. Write one/);
  const restricted = welcome.get('!isWorkspaceTrusted')!;
  assert.match(restricted, /Restricted Mode[\s\S]*command:workbench\.trust\.manage/);
  assert.doesNotMatch(restricted, /adapterLab\.train/);
});

test('in Restricted Mode no menu or palette entry offers to train, and the capability is declared limited', () => {
  const trainEntries = Object.values(contributes.menus as Record<string, { command: string; when?: string }[]>)
    .flat()
    .filter((m) => m.command === 'adapterLab.train');
  assert.ok(trainEntries.length >= 4);
  for (const entry of trainEntries) assert.match(entry.when ?? '', /(^|&& )isWorkspaceTrusted( &&|$)/, JSON.stringify(entry));
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.untrustedWorkspaces.description.includes('does not train'));
});
