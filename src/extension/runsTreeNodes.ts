// The Runs view's nodes, without VS Code types: experiments, under each its sweep (if it has one) and its plain runs;
// under the sweep its settings, under each setting one run per seed, under a seed's run its earlier attempts. The
// nodes carry what the tree items show and what commands invoked on them read.
import * as path from 'path';
import { identify, runLabel } from '../common/runIdentity';
import { type ExperimentGroup, type RunEntry, groupByExperiment } from './runsModel';
import { type SeedRuns, type SettingRuns, type SweepGroup, groupSweep } from './sweepGroups';

export type RunsTreeNode = ExperimentNode | SweepNode | SettingNode | RunNode;
export interface ExperimentNode {
  kind: 'experiment';
  group: ExperimentGroup;
  children: (SweepNode | RunNode)[]; // the sweep, then the plain runs
}
/** Commands on `viewItem == sweep` read the config the sweep comes from here. */
export interface SweepNode {
  kind: 'sweep';
  experiment: string;
  configFile: string;
  sweep: SweepGroup;
  children: SettingNode[];
}
export interface SettingNode {
  kind: 'setting';
  experiment: string;
  setting: SettingRuns;
  children: RunNode[];
}
export interface RunNode {
  kind: 'run';
  entry: RunEntry;
  /** The run name; "seed 1" under a sweep's setting; "attempt 1" for a seed's earlier run folders. */
  label: string;
  /** What a screen reader calls it: the run name, or the setting with the seed (and attempt). */
  spokenName: string;
  note?: string; // after the description: why an earlier attempt does not count
  children: RunNode[]; // a seed's earlier attempts
}

/** The run folder a command was invoked on: a tree node, or a folder path (the status bar passes one). */
export function runDirOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return path.resolve(arg);
  const node = arg as RunsTreeNode | undefined;
  return node?.kind === 'run' ? node.entry.dir : undefined;
}

/** The runs a command invoked on a node acts on: the run itself, or every run folder under an experiment, sweep or setting. */
export function runsOfNode(node: RunsTreeNode): RunEntry[] {
  return node.kind === 'run' ? [node.entry] : runNodesUnder(node).map((run) => run.entry);
}

/** The experiments, the one trained last first, with everything under them. */
export function buildNodes(runs: RunEntry[]): ExperimentNode[] {
  return groupByExperiment(runs).map(experimentNode);
}

function experimentNode(group: ExperimentGroup): ExperimentNode {
  const sweep = group.sweepRuns.length ? [sweepNode(group.experiment, groupSweep(group.sweepRuns))] : [];
  const identities = identify(group.plain.map((r) => r.record));
  return {
    kind: 'experiment',
    group,
    children: [...sweep, ...group.plain.map((entry) => plainRunNode(entry, runLabel(identities.get(entry.record.id)!, false)))],
  };
}

function sweepNode(experiment: string, sweep: SweepGroup): SweepNode {
  const settings = sweep.settings.map<SettingNode>((setting) => ({
    kind: 'setting',
    experiment,
    setting,
    children: setting.seeds.map((seed) => seedNode(setting.setting, seed)),
  }));
  return { kind: 'sweep', experiment, configFile: sweep.configFile, sweep, children: settings };
}

function seedNode(setting: string, seed: SeedRuns): RunNode {
  const spokenName = `${setting}, seed ${seed.seed}`;
  const earlier = seed.earlier.map<RunNode>(({ entry, attempt, otherInputs }) => ({
    kind: 'run',
    entry,
    label: `attempt ${attempt}`,
    spokenName: `${spokenName}, attempt ${attempt}`,
    ...(otherInputs && { note: 'inputs changed since' }),
    children: [],
  }));
  return { kind: 'run', entry: seed.run, label: `seed ${seed.seed}`, spokenName, children: earlier };
}

/** A plain run is named as every view names it: "full", or "full #2" for the experiment's second training of it. */
const plainRunNode = (entry: RunEntry, label: string): RunNode => ({ kind: 'run', entry, label, spokenName: label, children: [] });

/** The tree item's id: unique in the tree and the same across refreshes, so VS Code keeps what is expanded. */
export function idOf(node: RunsTreeNode): string {
  switch (node.kind) {
    case 'experiment':
      return `experiment:${node.group.experiment}`;
    case 'sweep':
      return `sweep:${node.experiment}`;
    case 'setting':
      return `setting:${JSON.stringify([node.experiment, node.setting.setting])}`;
    case 'run':
      return node.entry.dir;
  }
}

/** What `when` clauses see as `viewItem`: a run's status picks its menu items; `sweep` has commands of its own. */
export function contextValueOf(node: RunsTreeNode): string {
  switch (node.kind) {
    case 'experiment':
      return 'experiment';
    case 'sweep':
      return 'sweep';
    case 'setting':
      return 'sweepSetting';
    case 'run':
      return `run.${node.entry.record.status}`;
  }
}

/** The nodes' ids in display order, nested: when it is the same after a refresh, only the nodes' data changed. */
export function layoutOf(nodes: readonly RunsTreeNode[]): string {
  const shape = (node: RunsTreeNode): unknown => [idOf(node), childrenOf(node).map(shape)];
  return JSON.stringify(nodes.map(shape));
}

const childrenOf = (node: RunsTreeNode): readonly RunsTreeNode[] => node.children;

export function runNodesUnder(node: RunsTreeNode): RunNode[] {
  return [...(node.kind === 'run' ? [node] : []), ...childrenOf(node).flatMap(runNodesUnder)];
}

/** Gives the nodes VS Code knows the fresh data of the same layout, keeping them the same objects. */
export function takeData(node: RunsTreeNode, fresh: RunsTreeNode): void {
  childrenOf(fresh).forEach((child, i) => takeData(childrenOf(node)[i], child));
  Object.assign(node, { ...fresh, children: node.children });
}
