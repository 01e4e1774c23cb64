// Playground panel: type a sentence and see every finished run's prediction per attribute side by side, with an
// AdapterDrop slider (layers whose adapters are skipped) and the time per example, and for Fuse runs which adapter
// each layer listens to (a heat map of the fusion attention); for a decoder, text streamed token by token — and for a
// causal-lm experiment, written by the model chosen: its base, a finished run, or a setup of its adapters. Each edit
// is sent at once: the host's worker drops what a newer request superseded, so nothing here waits or debounces.
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { FusionAttention, RunPrediction, SamplingSettings } from '../../src/common/playground';
import {
  type GenerationModel,
  type GenerationOffer,
  type PlaygroundRequest,
  type PlaygroundRun,
  type PlaygroundSource,
  type PlaygroundState,
  type PlaygroundToWebview,
  isPlaygroundState,
  isPlaygroundToWebview,
} from '../../src/protocol/playground';
import { h } from '../shared/dom';
import { listen, vscodeApi } from '../shared/vscodeApi';

const api = vscodeApi<PlaygroundRequest, PlaygroundState>(isPlaygroundState);
const root = document.getElementById('root')!;
const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, maxTokens: 40, seed: 1 };
const DEFAULT_TEXT = 'The pasta was wonderful and the staff were friendly.';

let state: PlaygroundState | undefined = api.state();
let cards = new Map<string, HTMLElement>();
let layers = 0;
/** The model of the newest generation, named in its status line. */
let writer: string | undefined;

function save(change: Partial<PlaygroundState>): void {
  if (!state) return;
  state = { ...state, ...change };
  api.saveState(state);
}

function show(message: PlaygroundToWebview): void {
  switch (message.type) {
    case 'source':
      return showSource(message.source, message.title, message.runs, message.generation, message.select);
    case 'prediction':
      return showPrediction(message.prediction);
    case 'token':
      document.getElementById('continuation')?.append(message.text);
      return;
    case 'done':
      if (message.tokens !== undefined) status(`${writer ? `${writer} · ` : ''}${message.tokens} tokens · ${message.msPerToken?.toFixed(1)} ms/token`);
      document.getElementById('generate')?.removeAttribute('disabled');
      return;
    case 'setupProblem': {
      const field = document.getElementById('setup');
      field?.setAttribute('aria-invalid', 'true');
      document.getElementById('setup-problem')?.replaceChildren(h('div', { className: 'notice error', role: 'alert' }, message.message));
      document.getElementById('generate')?.removeAttribute('disabled');
      status('');
      return;
    }
    case 'failed': {
      const card = message.run ? cards.get(message.run) : undefined;
      if (card) {
        card.classList.remove('stale');
        card.querySelector('.run-body')?.replaceChildren(h('p', { className: 'notice error', role: 'alert' }, message.message));
      } else {
        document
          .getElementById('notices')
          ?.replaceChildren(h('div', { className: 'notice error', role: 'alert' }, h('strong', {}, 'Playground'), message.message));
        document.getElementById('generate')?.removeAttribute('disabled');
      }
      return;
    }
    case 'error':
      root.replaceChildren(h('div', { className: 'notice error', role: 'alert' }, h('strong', {}, 'Playground'), message.message));
      return;
  }
}

function showSource(source: PlaygroundSource, title: string, runs: PlaygroundRun[], offer: GenerationOffer | undefined, select?: string): void {
  const same = state && JSON.stringify(state.source) === JSON.stringify(source);
  if (!same) state = { source, text: DEFAULT_TEXT, drop: 0, prompt: 'The food', sampling: DEFAULT_SAMPLING };
  // Opened from a run: that run writes (the setup typed before is kept for later).
  if (offer && select && runs.some((r) => r.dir === select)) state!.generation = { setup: '', mergeParameters: false, ...state!.generation, model: select };
  save({});
  root.removeAttribute('aria-busy');
  if (source.kind === 'decoder') return decoderView(title);
  if (offer) return decoderView(title, { offer, runs });
  encoderView(title, runs);
}

// ---- encoder experiments: predictions per run ---------------------------------------------------------------------

function encoderView(title: string, runs: PlaygroundRun[]): void {
  const text = h('textarea', { id: 'sentence', className: 'text-input', rows: 3, 'aria-label': 'Sentence', spellcheck: false });
  text.value = state!.text;
  const slider = h('input', {
    type: 'range',
    id: 'drop',
    min: 0,
    max: Math.max(layers, 1),
    step: 1,
    value: state!.drop,
    'aria-label': 'AdapterDrop: layers dropped',
  });
  const shown = h('output', { for: 'drop', id: 'drop-value', className: 'mono' }, dropText(state!.drop));
  text.addEventListener('input', () => {
    save({ text: text.value });
    classify();
  });
  slider.addEventListener('input', () => {
    save({ drop: Number(slider.value) });
    shown.textContent = dropText(state!.drop);
    classify();
  });
  cards = new Map(runs.map((run) => [run.dir, runCard(run)]));
  root.replaceChildren(
    h('h2', {}, `Playground: ${title}`),
    h(
      'p',
      { className: 'description' },
      runs.length
        ? `${runs.length} finished run${runs.length === 1 ? '' : 's'}, each computed in a worker process (the newest text wins).`
        : 'No finished runs yet: train this experiment, then type here.',
    ),
    h('label', { for: 'sentence', className: 'field-label' }, 'Sentence'),
    text,
    h('div', { className: 'toolbar' }, h('label', {}, 'AdapterDrop', slider, shown)),
    h('div', { id: 'notices' }),
    h('div', { id: 'results', className: 'playground-grid' }, ...cards.values()),
  );
  classify();
}

function dropText(n: number): string {
  return layers ? `${n} of ${layers} layers dropped` : `${n} layers dropped`;
}

function classify(): void {
  if (!state || cards.size === 0) return;
  cards.forEach((card) => card.classList.add('stale'));
  api.post({ type: 'classify', text: state.text, drop: state.drop });
}

function runCard(run: PlaygroundRun): HTMLElement {
  return h(
    'article',
    { className: 'run-card stale', 'data-run': run.name, 'aria-label': run.name },
    h('h3', {}, run.name, ' ', h('span', { className: 'badge' }, run.type)),
    h('p', { className: 'ms mono' }, '…'),
    h('div', { className: 'run-body' }),
  );
}

function showPrediction(p: RunPrediction): void {
  const card = cards.get(p.dir);
  if (!card) return;
  if (p.layers !== layers) {
    layers = p.layers;
    const slider = document.getElementById('drop') as HTMLInputElement | null;
    if (slider) slider.max = String(layers);
    const out = document.getElementById('drop-value');
    if (out) out.textContent = dropText(state?.drop ?? 0);
  }
  card.classList.remove('stale');
  const ms = card.querySelector('.ms')!;
  ms.textContent = `${p.msPerExample.toFixed(2)} CPU ms/example${p.hasAdapters ? ` · adapters of ${p.dropped}/${p.layers} layers dropped` : ' · no adapters to drop'}`;
  ms.setAttribute('data-ms', String(p.msPerExample));
  card.querySelector('.run-body')!.replaceChildren(...p.tasks.map(taskView), ...p.fusions.map(heatMap));
}

function taskView(t: RunPrediction['tasks'][number]): HTMLElement {
  const rows = t.labels.map((label, i) => {
    const bar = h('span', { className: 'bar-fill' });
    bar.style.width = `${(t.probabilities[i] * 100).toFixed(1)}%`;
    return h(
      'tr',
      { className: label === t.predicted ? 'predicted' : undefined },
      h('th', { scope: 'row' }, label),
      h('td', { className: 'bar-cell' }, h('span', { className: 'bar' }, bar)),
      h('td', { className: 'num mono' }, `${(t.probabilities[i] * 100).toFixed(1)}%`),
    );
  });
  return h(
    'div',
    { className: 'task', 'data-task': t.task },
    h('h4', {}, `${t.task}: `, h('strong', { className: 'predicted-label' }, t.predicted)),
    h('table', { className: 'probabilities' }, h('tbody', {}, ...rows)),
  );
}

/** Rows: the sites (layer · position); columns: the fused adapters; the shade: the attention's share. */
function heatMap(f: FusionAttention): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'layer'), ...f.adapters.map((a) => h('th', { className: 'num' }, a)));
  const rows = f.sites.map((site) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row', className: 'nowrap' }, site.position === 'heads' ? 'heads' : `${site.layer} · ${site.position === 'attention' ? 'attn' : 'ffn'}`),
      ...site.weights.map((w, i) => {
        const cell = h('td', { className: 'heat num mono', title: `${f.adapters[i]}: ${(w * 100).toFixed(1)}%` }, w.toFixed(2));
        cell.style.background = `color-mix(in srgb, var(--vscode-charts-blue, #3794ff) ${Math.round(w * 100)}%, transparent)`;
        return cell;
      }),
    ),
  );
  return h(
    'figure',
    { className: 'fusion', 'data-fusion': f.fusion },
    h('figcaption', {}, `Fusion attention (${f.fusion}): which adapter each layer listens to`),
    h('table', { className: 'heatmap' }, h('thead', {}, head), h('tbody', {}, ...rows)),
  );
}

// ---- decoders: streamed generation ----------------------------------------------------------------------------------

/** `experiment`: a causal-lm experiment's finished runs and adapters, to choose what writes. */
function decoderView(title: string, experiment?: { offer: GenerationOffer; runs: PlaygroundRun[] }): void {
  const prompt = h('textarea', { id: 'prompt', className: 'text-input', rows: 3, 'aria-label': 'Prompt', spellcheck: false });
  prompt.value = state!.prompt;
  prompt.addEventListener('input', () => save({ prompt: prompt.value }));
  const number = (key: keyof SamplingSettings, label: string, attrs: Record<string, number>) => {
    const input = h('input', { type: 'number', id: key, className: 'text-input narrow', value: state!.sampling[key], ...attrs });
    input.addEventListener('change', () => {
      const value = Number(input.value);
      if (Number.isFinite(value)) save({ sampling: { ...state!.sampling, [key]: value } });
    });
    return h('label', {}, label, input);
  };
  const button = h('button', { id: 'generate', className: 'primary' }, 'Generate');
  button.addEventListener('click', generate);
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) generate();
  });
  root.replaceChildren(
    h('h2', {}, `Playground: ${title}`),
    h(
      'p',
      { className: 'description' },
      experiment
        ? `A causal-lm experiment on ${experiment.offer.base}: choose what writes — its base, a finished run, or a setup of its adapters. Text is generated in a worker process and streamed here token by token (Ctrl+Enter generates).`
        : 'A decoder: text is generated in a worker process and streamed here token by token (Ctrl+Enter generates).',
    ),
    ...(experiment ? modelChoice(experiment.offer, experiment.runs) : []),
    h('label', { for: 'prompt', className: 'field-label' }, 'Prompt'),
    prompt,
    h(
      'div',
      { className: 'toolbar' },
      number('temperature', 'Temperature', { min: 0, step: 0.1 }),
      number('topK', 'Top-k', { min: 0, step: 1 }),
      number('topP', 'Top-p', { min: 0.01, max: 1, step: 0.05 }),
      number('maxTokens', 'Max tokens', { min: 1, step: 1 }),
      number('seed', 'Seed', { step: 1 }),
      button,
    ),
    h('div', { id: 'notices' }),
    h('pre', { id: 'generated', className: 'generated', 'aria-live': 'polite' }, h('span', { className: 'prompt-text' }), h('span', { id: 'continuation' })),
    h('p', { id: 'gen-status', className: 'description' }),
  );
}

/** The model select (base, each finished run, a setup) and the setup's field, shown while a setup is chosen. */
function modelChoice(offer: GenerationOffer, runs: PlaygroundRun[]): HTMLElement[] {
  const known = (model: string | undefined) => model === 'base' || model === 'setup' || runs.some((r) => r.dir === model);
  const initial = state!.generation;
  save({
    generation: {
      model: known(initial?.model) ? initial!.model : (runs.find((r) => r.type === 'adapter')?.dir ?? 'base'),
      setup: initial?.setup ?? '',
      mergeParameters: initial?.mergeParameters ?? false,
    },
  });
  const choice = state!.generation!;
  const option = (value: string, label: string) => h('option', { value, selected: value === choice.model }, label);
  const select = h(
    'select',
    { id: 'model', className: 'select' },
    option('base', `base (${offer.base})`),
    ...runs.map((r) => option(r.dir, r.name)),
    option('setup', offer.adapters.length ? 'setup of adapters…' : 'setup of adapters… (none trained yet)'),
  );
  const example = offer.adapters.length > 1 ? `Stack(${offer.adapters[1]}, ${offer.adapters[0]})` : 'Stack(a, b)';
  const setup = h('input', { type: 'text', id: 'setup', className: 'text-input', placeholder: example, spellcheck: false, value: choice.setup });
  const merge = document.createElement('vscode-checkbox');
  merge.id = 'merge-parameters';
  merge.setAttribute('label', 'Average parameters (one merged adapter)');
  merge.title = 'Average(a, b, …) over the adapters’ parameters instead of their outputs: the CLI’s --merge-parameters';
  if (choice.mergeParameters) merge.setAttribute('checked', '');
  const setupRow = h(
    'div',
    { id: 'setup-row' },
    h(
      'div',
      { className: 'toolbar' },
      h('label', {}, 'Setup', setup),
      merge,
      h('span', { className: 'description' }, `Stack(…) or Average(…) of ${offer.adapters.join(', ') || 'trained adapters'}`),
    ),
    h('div', { id: 'setup-problem' }),
  );
  const showSetup = () => (setupRow.hidden = state!.generation!.model !== 'setup');
  const change = (part: Partial<NonNullable<PlaygroundState['generation']>>) => save({ generation: { ...state!.generation!, ...part } });
  select.addEventListener('change', () => {
    change({ model: select.value });
    showSetup();
  });
  setup.addEventListener('input', () => {
    change({ setup: setup.value });
    setup.removeAttribute('aria-invalid');
    document.getElementById('setup-problem')!.replaceChildren();
  });
  setup.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') generate();
  });
  merge.addEventListener('change', () => change({ mergeParameters: (merge as unknown as { checked: boolean }).checked }));
  showSetup();
  return [h('div', { className: 'toolbar' }, h('label', {}, 'Model', select)), setupRow];
}

/** What the page asks to write with: undefined for a bare decoder. */
function chosenModel(): { model: GenerationModel; label: string } | undefined {
  const choice = state?.generation;
  if (!choice) return undefined;
  if (choice.model === 'base') return { model: { kind: 'base' }, label: 'base' };
  if (choice.model === 'setup')
    return {
      model: { kind: 'setup', setup: choice.setup, mergeParameters: choice.mergeParameters },
      label: choice.mergeParameters ? `parameter average of ${choice.setup}` : choice.setup,
    };
  const select = document.getElementById('model') as HTMLSelectElement | null;
  return { model: { kind: 'run', dir: choice.model }, label: select?.selectedOptions[0]?.textContent ?? choice.model };
}

function generate(): void {
  if (!state) return;
  const chosen = chosenModel();
  document.querySelector('#generated .prompt-text')!.textContent = state.prompt;
  document.getElementById('continuation')!.replaceChildren();
  document.getElementById('notices')!.replaceChildren();
  document.getElementById('setup-problem')?.replaceChildren();
  writer = chosen?.label;
  status('generating…');
  api.post({ type: 'generate', prompt: state.prompt, sampling: state.sampling, model: chosen?.model });
}

function status(text: string): void {
  const el = document.getElementById('gen-status');
  if (el) el.textContent = text;
}

listen(api, isPlaygroundToWebview, show);
