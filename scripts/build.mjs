// Bundles the CLI, the trainer process and the benchmark with esbuild.
// TensorFlow.js stays external: its wasm binaries are loaded from node_modules at run time.
import { build } from 'esbuild';

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

await Promise.all([
  build({ ...common, entryPoints: { cli: 'src/cli/main.ts', trainer: 'src/trainer/main.ts' }, outdir: 'dist' }),
]);
