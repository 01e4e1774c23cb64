// adapter-lab: train adapters and full fine-tuning from an experiment config, list and compare runs, inspect configs.
import * as path from 'path';
import { Command, InvalidArgumentError } from 'commander';
import type { BackendName } from '../common/runRecord';
import { version } from '../../package.json';
import { checkCommand } from './check';
import { EXIT } from './exit';
import { dropCommand } from './drop';
import { generateCommand } from './generate';
import { type SteerReportArgs, steerReportCommand } from './steerReport';
import { EXPORT_FORMATS, type ExportFormat, exportCommand } from './export';
import { importCommand } from './import';
import { exportPythonCommand, isConfigFile } from './exportPython';
import { inspectCommand } from './inspect';
import { mergeCommand } from './merge';
import { mergeIntoBaseCommand } from './foldIntoBase';
import { pretrainCommand } from './pretrain';
import { RunNotFound, resolveAdapterFolder, resolveRunsOrReport } from './findRuns';
import { compareCommand, runsCommand } from './runs';
import { trainCommand } from './train';
import { reportCommand } from './sweepReport';
import { FMA_ENV, setFmaKernels } from '../core/model/kernels/kernelVariant';

const BACKENDS: BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

function backendOption(value: string): BackendName {
  if (!BACKENDS.includes(value as BackendName)) throw new InvalidArgumentError(`choose one of ${BACKENDS.join(', ')}`);
  return value as BackendName;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number ≥ 1');
  return n;
}

function numberList(value: string): number[] {
  const numbers = value.split(',').map((v) => Number(v.trim()));
  if (numbers.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('numbers separated by commas, e.g. 1.5,-0.5');
  return numbers;
}

/** How commands that take a run describe it. */
const RUN_ARGUMENT = 'a run id (as `adapter-lab runs` lists it, or a part only one id holds) or a run folder';

const program = new Command('adapter-lab')
  .description('Train, compose and compare adapters on a frozen transformer, next to full fine-tuning.')
  .version(version, '-V, --version', 'print the version')
  .exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.badInput))
  .showHelpAfterError();

const FMA_HELP = 'the plain kernels even where the runtime has relaxed SIMD (FMA kernels give other bits; same as ADAPTERLAB_FMA=off)';

/** --no-fma: this process and the trainers it forks (they inherit the environment) run the plain kernels. */
function turnFmaOff(): void {
  process.env[FMA_ENV] = 'off';
  setFmaKernels(false);
}

program
  .command('train')
  .description(
    "train every run of an experiment (each adapter, full fine-tuning, head-only) and print the comparison; with a sweep, every point's runs not completed before, then the sweep's report",
  )
  .argument('<config>', 'an *.adapterlab.json experiment')
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')}); overrides the config`, backendOption)
  .option('-p, --parallel <n>', 'runs trained at the same time, one process each (default: number of cores)', positiveInt)
  .option(
    '-t, --threads <n>',
    "kernel threads per run (default: the config's train.threads, else all cores for a run alone, cores ÷ runs in parallel otherwise, more as the runs beside it end)",
    positiveInt,
  )
  .option('--only <runs...>', 'train only these runs, e.g. adapter:sentiment full')
  .option('--no-fma', FMA_HELP)
  .action(async (config: string, opts: { backend?: BackendName; parallel?: number; threads?: number; only?: string[]; fma: boolean }) => {
    if (!opts.fma) turnFmaOff();
    process.exitCode = await trainCommand(path.resolve(config), opts);
  });

program
  .command('pretrain')
  .description(
    'pre-train a base model on a mix of objectives (masked-LM, bag of words, part of speech, word and sentence polarity, genre, your own labels); resumes an interrupted run',
  )
  .argument('<config>', 'a *.pretrain.json file')
  .option('--fresh', 'start over instead of resuming the last unfinished run')
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')})`, backendOption)
  .option('-t, --threads <n>', 'kernel threads (default: all cores)', positiveInt)
  .option('--no-fma', FMA_HELP)
  .action(async (config: string, opts: { fresh?: boolean; backend?: BackendName; threads?: number; fma: boolean }) => {
    if (!opts.fma) turnFmaOff();
    process.exitCode = await pretrainCommand(path.resolve(config), opts);
  });

program
  .command('check')
  .description('validate a config and print every problem as file:line:column (with a sweep: of every point, and how many points)')
  .argument('<config>')
  .action((config: string) => {
    process.exitCode = checkCommand(path.resolve(config), config);
  });

program
  .command('inspect')
  .description('parameter counts per adapter and layer, without training')
  .argument('<config>')
  .action((config: string) => {
    process.exitCode = inspectCommand(path.resolve(config));
  });

program
  .command('drop')
  .description('AdapterDrop at inference: evaluate an adapter, composition or merge run with the adapters of the first n layers dropped, for every n')
  .argument('<run>', RUN_ARGUMENT)
  .option('--split <split>', 'validation or test', 'test')
  .option('--repeats <n>', 'timing passes per n (the fastest counts)', positiveInt, 2)
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')})`, backendOption)
  .option('--json', 'print the results as JSON')
  .action(async (run: string, opts: { split: string; repeats: number; backend?: BackendName; json?: boolean }) => {
    if (opts.split !== 'test' && opts.split !== 'validation') throw new InvalidArgumentError('--split is validation or test');
    const [dir] = resolveRunsOrReport([run]) ?? [];
    process.exitCode = dir ? await dropCommand(dir, { ...opts, split: opts.split }) : EXIT.badInput;
  });

program
  .command('merge')
  .description('parameter averaging: a new adapter Σ wᵢ·θᵢ from saved adapter folders with the same config (negative weights allowed)')
  .argument('<adapters...>', 'adapter folders (adapters/<name>/ in run folders), or runs (id or folder) that saved one adapter')
  .requiredOption('-n, --name <name>', 'name of the new adapter')
  .option('-w, --weights <list>', 'comma-separated weights, one per adapter (default: equal)', numberList)
  .option('--no-normalize', 'use the weights as given instead of dividing by their sum')
  .option('-o, --out <dir>', 'folder to write (default: ./<name>)')
  .action((args: string[], opts: { name: string; weights?: number[]; normalize: boolean; out?: string }) => {
    let dirs: string[];
    try {
      dirs = args.map((a) => resolveAdapterFolder(a));
    } catch (e) {
      if (!(e instanceof RunNotFound)) throw e;
      console.error(e.message);
      process.exitCode = EXIT.badInput;
      return;
    }
    process.exitCode = mergeCommand(dirs, opts);
  });

program
  .command('merge-into-base')
  .description(
    'merged inference: fold a trained lora, ia3 or arc adapter into a copy of the base, written as a Hugging Face folder usable as "base": { "path": … }; checks the outputs match and times both',
  )
  .argument('<run>', `an adapter or merge run: ${RUN_ARGUMENT}`)
  .option('-o, --out <dir>', 'folder to write (default: <run>/merged-base)')
  .option('--split <split>', 'validation or test: the examples compared and timed', 'test')
  .option('--repeats <n>', 'timing passes (the fastest counts)', positiveInt, 3)
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')})`, backendOption)
  .option('--json', 'print the results as JSON')
  .action(async (run: string, opts: { out?: string; split: string; repeats: number; backend?: BackendName; json?: boolean }) => {
    if (opts.split !== 'test' && opts.split !== 'validation') throw new InvalidArgumentError('--split is validation or test');
    const [dir] = resolveRunsOrReport([run]) ?? [];
    process.exitCode = dir ? await mergeIntoBaseCommand(dir, { ...opts, split: opts.split }) : EXIT.badInput;
  });

program
  .command('generate')
  .description('write text with a causal decoder (a GPT-2-family folder, builtin:<name>, or a run of causal-lm tasks), streamed token by token')
  .argument('<model>', 'a Hugging Face folder with model_type "gpt2", builtin:<name>, or a run of an experiment of causal-lm tasks')
  .option('--prompt <text>', 'the text to continue (empty: start a new document)', '')
  .option('--temperature <t>', 'sampling temperature; 0 = always the most likely token', Number, 1)
  .option('--top-k <k>', 'sample among the k most likely tokens (0 = all)', Number, 0)
  .option('--top-p <p>', 'sample among the most likely tokens holding probability p (1 = all)', Number, 1)
  .option('--max-tokens <n>', 'tokens to write at most', positiveInt, 50)
  .option('--seed <n>', 'seed of the sampling: the same seed writes the same text', Number, 0)
  .option('--setup <setup>', 'with a run: its experiment\'s attribute adapters composed, e.g. "Stack(restaurant, positive)" or "Average(positive, movie)"')
  .option('--merge-parameters', 'with --setup "Average(a, b)": average the adapters\' parameters (one merged adapter) instead of their outputs')
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')})`, backendOption)
  .action(
    async (
      model: string,
      opts: {
        prompt: string;
        temperature: number;
        topK: number;
        topP: number;
        maxTokens: number;
        seed: number;
        setup?: string;
        mergeParameters?: boolean;
        backend?: BackendName;
      },
    ) => {
      if (!Number.isSafeInteger(opts.seed)) throw new InvalidArgumentError('--seed is a whole number');
      process.exitCode = await generateCommand(model, opts);
    },
  );

program
  .command('steer-report')
  .description('measure how the attribute adapters of a causal-lm experiment steer its decoder, judged by a full fine-tuning classifier run')
  .argument('<config>', 'a *.adapterlab.json of causal-lm tasks, its runs trained')
  .requiredOption('--judge <run>', 'the completed full fine-tuning run of a classification experiment (e.g. the reviews example\'s "full")')
  .option('--samples <n>', 'samples per setup', positiveInt, 200)
  .option('--seed <n>', 'seed of the first sample (sample i uses seed + i)', Number, 1)
  .option('--max-tokens <n>', 'tokens per sample at most', positiveInt, 40)
  .option('--temperature <t>', 'sampling temperature', Number, 1)
  .option('--top-k <k>', 'sample among the k most likely tokens (0 = all)', Number, 0)
  .option('--top-p <p>', 'nucleus sampling', Number, 0.9)
  .option('--out <file>', 'also write the measurements as JSON')
  .option('-b, --backend <name>', `compute backend (${BACKENDS.join(', ')})`, backendOption)
  .action(async (config: string, opts: SteerReportArgs) => {
    process.exitCode = await steerReportCommand(path.resolve(config), opts);
  });

program
  .command('export')
  .description(
    "a run's adapters, heads and fusions as AdapterHub's load_adapter folder, or a LoRA, IA³ or prefix-tuning adapter as PEFT's (ARC, in neither library, merged into the base); or a config or run as a Python folder (train.py with transformers + adapters, a Ray Tune script for a sweep)",
  )
  .argument('<source>', `a run: ${RUN_ARGUMENT}; with --to python also an *.adapterlab.json config`)
  .requiredOption('--to <format>', [...EXPORT_FORMATS, 'python'].join(', '), (value: string) => {
    if (![...EXPORT_FORMATS, 'python'].includes(value)) throw new InvalidArgumentError(`choose one of ${[...EXPORT_FORMATS, 'python'].join(', ')}`);
    return value as ExportFormat | 'python';
  })
  .option('-o, --out <dir>', 'folder to write (default: <run>/export-<format>, or <config folder>/<name>-python)')
  .action(async (source: string, opts: { to: ExportFormat | 'python'; out?: string }) => {
    if (opts.to === 'python' && isConfigFile(source)) {
      process.exitCode = exportPythonCommand(path.resolve(source), opts.out);
      return;
    }
    const [dir] = resolveRunsOrReport([source]) ?? [];
    if (!dir) process.exitCode = EXIT.badInput;
    else process.exitCode = opts.to === 'python' ? exportPythonCommand(dir, opts.out) : await exportCommand(dir, { to: opts.to, out: opts.out });
  });

program
  .command('import')
  .description('bring an AdapterHub or PEFT adapter folder (trained in Python, or exported from here) back as a run the views compare')
  .argument('<folder>', 'an AdapterHub folder (adapter_config.json + adapter.safetensors, or adapters/<name>/) or a PEFT folder (adapter_model.safetensors)')
  .option('--runs-dir <dir>', `runs folder to add the run to (default: .adapterlab/runs)`)
  .option('-n, --name <name>', 'the adapter name for a PEFT folder (default: the exported name, else the folder name)')
  .action((folder: string, opts: { runsDir?: string; name?: string }) => {
    process.exitCode = importCommand(folder, opts);
  });

program
  .command('runs')
  .description('list runs, newest first: those of every config under the current folder (or under [where])')
  .argument('[where]', 'a folder to search, a runs folder, or a config')
  .action((where: string | undefined) => {
    process.exitCode = runsCommand(where);
  });

program
  .command('report')
  .description(
    "a sweep's results over its seeds: mean ± sd per setting and attribute, paired differences against a reference with their standard error, the best setting chosen on validation, the Pareto frontiers",
  )
  .argument('<config>', 'an *.adapterlab.json experiment with a sweep')
  .option('--reference <setting>', 'the setting differences are taken against (default: full fine-tuning)')
  .option('--markdown', 'print Markdown tables')
  .option('--csv', 'print CSV: one row per setting and attribute')
  .option('--json', 'print the report as JSON')
  .action((config: string, opts: { reference?: string; markdown?: boolean; csv?: boolean; json?: boolean }) => {
    process.exitCode = reportCommand(path.resolve(config), opts);
  });

program
  .command('compare')
  .description('compare runs side by side')
  .argument('<runs...>', RUN_ARGUMENT)
  .option('--runs-dir <dir>', 'look run ids up only in this runs folder')
  .option('--markdown', 'print a Markdown table')
  .action((ids: string[], opts: { runsDir?: string; markdown?: boolean }) => {
    process.exitCode = compareCommand(ids, opts);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`adapter-lab: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = EXIT.badInput;
});
