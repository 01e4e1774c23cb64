// Where the native backend is looked for: the packaged extension has no node_modules, so on a remote machine
// @tensorflow/tfjs-node is installed in the project (or globally) and must be found there. The real package cannot
// load on this machine (no libtensorflow, no network to fetch it), so the tests place small packages under its name
// and check which one is loaded, and that one that fails to load is reported rather than skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NATIVE_PACKAGE, nativeSearchPlaces, requireNative } from '../../src/core/model/backend';

function packageIn(project: string, body: string): void {
  const dir = path.join(project, 'node_modules', ...NATIVE_PACKAGE.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: NATIVE_PACKAGE, version: '4.22.0', main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), body);
}

const loaded = () => (globalThis as { nativeLoadedFrom?: string }).nativeLoadedFrom;

test('tfjs-node installed in the project (or a parent folder of the config) is the one loaded', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
  packageIn(root, 'globalThis.nativeLoadedFrom = __dirname;');
  const configDir = path.join(root, 'experiments', 'reviews');
  fs.mkdirSync(configDir, { recursive: true });
  const places = nativeSearchPlaces(configDir);
  assert.equal(places[1], configDir);
  requireNative(places);
  assert.equal(loaded(), path.join(root, 'node_modules', '@tensorflow', 'tfjs-node'));
});

test('absent everywhere: one error that says where it looked', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
  assert.throws(() => requireNative([empty]), /@tensorflow\/tfjs-node is not installed \(looked beside Adapter Lab, in the project/);
});

test('a copy found that fails to load (no native library) is the error, not silently skipped', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'native-'));
  packageIn(root, "throw new Error('libtensorflow.so.2: cannot open shared object file');");
  assert.throws(() => requireNative([root]), /libtensorflow\.so\.2/);
});
