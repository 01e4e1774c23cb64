// The walls between the project's parts, written once (docs/architecture.md explains them). `npm run lint` checks
// them; a wrong import fails `npm test`.
const SRC = '^src/';
const notOwn = (folder) => `^src/(?!${folder}/)`;

/** Folder → the folders of src it may import (besides itself). */
const MAY_IMPORT = {
  common: [],
  protocol: ['common'],
  core: ['common'],
  runner: ['core', 'protocol', 'common'],
  trainer: ['core', 'protocol', 'common'],
  inference: ['core', 'protocol', 'common'],
  cli: ['runner', 'core', 'protocol', 'common'],
  extension: ['runner', 'core', 'protocol', 'common'],
};

/** Layers inside core, bottom first: a layer may not import any layer above it. */
const CORE_LAYERS = [
  ['io', 'data', 'config', 'model'],
  ['adapters'],
  ['composition'],
  ['classifier'],
  ['train', 'pretrain', 'parameters', 'graph', 'metrics', 'generate'],
  ['run'],
  ['sweep'],
  ['interop'],
];

const layerRules = CORE_LAYERS.flatMap((layer, i) => {
  const above = CORE_LAYERS.slice(i + 1).flat();
  return above.length
    ? [
        {
          name: `core-layer-${layer.join('-')}`,
          comment: `core/${layer.join(', ')} may not import the layers above it (${above.join(', ')})`,
          severity: 'error',
          from: { path: `^src/core/(${layer.join('|')})/`, pathNot: '^src/core/config/' },
          to: { path: `^src/core/(${above.join('|')})/` },
        },
      ]
    : [];
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'an import cycle: split the shared part out', severity: 'error', from: {}, to: { circular: true } },
    ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
      name: `${folder}-imports`,
      comment: `src/${folder} may import only ${allowed.length ? allowed.map((f) => `src/${f}`).join(', ') : 'nothing else of src'}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: notOwn([folder, ...allowed].join('|')), pathNot: '^src/[^/]+$' },
    })),
    {
      name: 'webview-imports',
      comment: 'webview code runs in the browser: it may import only src/protocol, src/common and webview/',
      severity: 'error',
      from: { path: '^webview/' },
      to: { path: `${SRC}(?!(protocol|common)/)` },
    },
    {
      name: 'browser-safe',
      comment: 'src/common, src/protocol and webview/ run in the browser: no Node built-ins, no TensorFlow.js',
      severity: 'error',
      from: { path: '^(src/(common|protocol)|webview)/' },
      to: { dependencyTypes: ['core'] },
    },
    { name: 'browser-no-tfjs', severity: 'error', from: { path: '^(src/(common|protocol)|webview)/' }, to: { path: '@tensorflow' } },
    {
      name: 'core-no-vscode',
      comment: 'core, runner and trainer run outside VS Code',
      severity: 'error',
      from: { path: '^src/(core|runner|trainer|cli|common|protocol)/' },
      to: { path: '^vscode$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'descriptors-without-tfjs',
      comment: 'what the extension host reads (config checks, sweep expansion, graph, parameter counts, method descriptors) must not load TensorFlow.js',
      severity: 'error',
      from: { path: '^src/core/(adapters/methods|config|graph|parameters|sweep)/' },
      to: { path: '@tensorflow', reachable: true },
    },
    {
      name: 'extension-without-tfjs',
      comment: 'the extension host never loads TensorFlow.js: training runs in forked trainer processes',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '@tensorflow', reachable: true },
    },
    ...layerRules,
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|media)/' },
  },
};
