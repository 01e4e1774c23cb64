// Playground panel: type a sentence and see every finished run's prediction per attribute side by side, with an
// AdapterDrop slider (layers whose adapters are skipped) and the time per example, and for Fuse runs which adapter
// each layer listens to (a heat map of the fusion attention); for a decoder, text streamed token by token. Each edit
// is sent at once: the host's worker drops what a newer request superseded, so nothing here waits or debounces.
import type { FusionAttention, RunPrediction, SamplingSettings } from '../../src/common/playground';
import {
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

function save(change: Partial<PlaygroundState>): void {
  if (!state) return;
  state = { ...state, ...change };
  api.saveState(state);
}

function show(message: PlaygroundToWebview): void {
  switch (message.type) {
    case 'source':
      return showSource(message.source, message.title, message.runs);
    case 'prediction':
      return showPrediction(message.prediction);
    case 'token':
      document.getElementById('continuation')?.append(message.text);
      return;
    case 'done':
      if (message.tokens !== undefined) status(`${message.tokens} tokens · ${message.msPerToken?.toFixed(1)} ms/token`);
      document.getElementById('generate')?.removeAttribute('disabled');
      return;
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

function showSource(source: PlaygroundSource, title: string, runs: PlaygroundRun[]): void {
  const same = state && JSON.stringify(state.source) === JSON.stringify(source);
  if (!same) state = { source, text: DEFAULT_TEXT, drop: 0, prompt: 'The food', sampling: DEFAULT_SAMPLING };
  save({});
  root.removeAttribute('aria-busy');
  if (source.kind === 'decoder') return decoderView(title);
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
      h('th', { scope: 'row', className: 'nowrap' }, `${site.layer} · ${site.position === 'attention' ? 'attn' : 'ffn'}`),
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

function decoderView(title: string): void {
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
    h('p', { className: 'description' }, 'A decoder: text is generated in a worker process and streamed here token by token (Ctrl+Enter generates).'),
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

function generate(): void {
  if (!state) return;
  document.querySelector('#generated .prompt-text')!.textContent = state.prompt;
  document.getElementById('continuation')!.replaceChildren();
  document.getElementById('notices')!.replaceChildren();
  status('generating…');
  api.post({ type: 'generate', prompt: state.prompt, sampling: state.sampling });
}

function status(text: string): void {
  const el = document.getElementById('gen-status');
  if (el) el.textContent = text;
}

listen(api, isPlaygroundToWebview, show);
