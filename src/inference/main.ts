// The inference worker. The extension host forks it for the Playground, so TensorFlow.js never runs on the host and
// a slow model never holds up typing. Requests (src/protocol/inference.ts) carry ids and the newest wins: between
// runs and between generated tokens the worker yields to its event loop, reads what arrived, and drops a request
// that a newer one superseded (it says `dropped`; none of its later replies are sent). Models stay loaded per run
// folder until run.json changes.
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../common/runRecord';
import { type FromInference, type ToInference, isToInference } from '../protocol/inference';
import { selectBackend } from '../core/model/backend';
import { type LoadedRun, loadTrainedRun } from '../core/run/loadRunModel';
import { predictSentence } from '../core/run/predict';
import { type OpenedDecoder, openDecoder } from '../core/run/openDecoder';

let newest = -1;
const backendReady = selectBackend((process.argv[2] as BackendName | undefined) ?? 'auto').then((b) => {
  send({ type: 'ready', backend: b.name, pid: process.pid });
  return b;
});
const runs = new Map<string, { stamp: number; run: LoadedRun }>();
const decoders = new Map<string, OpenedDecoder>();
const DECODERS_KEPT = 4;

function send(message: FromInference): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

/** Lets the messages that arrived meanwhile be read (a timer runs after the loop has polled for I/O). */
const yieldToLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** True (and says so) when a newer request arrived: this one's replies would never be shown. */
function superseded(id: number): boolean {
  if (id === newest) return false;
  send({ type: 'dropped', id });
  return true;
}

function runOf(dir: string): LoadedRun {
  const stamp = fs.statSync(path.join(dir, 'run.json')).mtimeMs;
  const cached = runs.get(dir);
  if (cached?.stamp === stamp) return cached.run;
  cached?.run.dispose();
  const run = loadTrainedRun(dir);
  runs.set(dir, { stamp, run });
  return run;
}

async function classify(m: Extract<ToInference, { type: 'classify' }>): Promise<void> {
  for (const dir of m.runs) {
    await yieldToLoop();
    if (superseded(m.id)) return;
    try {
      send({ type: 'prediction', id: m.id, prediction: { dir, ...predictSentence(runOf(dir), m.text, m.drop) } });
    } catch (e) {
      send({ type: 'failed', id: m.id, run: dir, message: messageOf(e) });
    }
  }
  send({ type: 'done', id: m.id });
}

/** The newest few decoders stay open: each holds its own copy of the base, and a user may try setup after setup. */
function decoderOf(m: Extract<ToInference, { type: 'generate' }>): OpenedDecoder {
  const key = JSON.stringify([m.decoder, m.setup, m.mergeParameters, m.baseOnly]); // a setup is checked when first asked for
  const opened = decoders.get(key) ?? openDecoder(m.decoder, m.setup, { mergeParameters: m.mergeParameters, baseOnly: m.baseOnly });
  decoders.delete(key);
  decoders.set(key, opened); // the most recent last
  // An older request's generation is superseded by this one: it stops at its next yield without using its decoder.
  for (const [old, decoder] of decoders)
    if (decoders.size > DECODERS_KEPT) {
      decoder.dispose();
      decoders.delete(old);
    }
  return opened;
}

async function generate(m: Extract<ToInference, { type: 'generate' }>): Promise<void> {
  const opened = decoderOf(m);
  const pieces = opened.stream(m.prompt, m.sampling);
  const started = performance.now();
  let tokens = 0;
  try {
    for (;;) {
      await yieldToLoop();
      if (superseded(m.id)) return;
      const next = pieces.next();
      if (next.done) break;
      tokens++;
      if (next.value) send({ type: 'token', id: m.id, text: next.value });
    }
  } finally {
    pieces.return(undefined); // frees the key/value cache of a generation cut short
  }
  send({ type: 'done', id: m.id, tokens, msPerToken: (performance.now() - started) / Math.max(1, tokens) });
}

process.on('message', (m: unknown) => {
  if (!isToInference(m)) return console.error(`ignored a message the host should not send: ${JSON.stringify(m).slice(0, 200)}`);
  newest = Math.max(newest, m.id);
  void backendReady
    .then(() => (m.type === 'classify' ? classify(m) : generate(m)))
    .catch((e: unknown) => send({ type: 'failed', id: m.id, message: messageOf(e) }));
});

// The host is gone: nobody will read the replies.
process.on('disconnect', () => process.exit(0));
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
