// Who a run is, said the same way everywhere it is named (Runs tree, compare table, legends, scatter, CSV): its
// experiment, its name (a sweep run's setting and seed), which training of that name it is (the attempt, counted by
// creation time within the experiment) and a short time and id. Two trainings of one config differ by attempt;
// runs of several experiments on one screen carry their experiment. Pure: the host, the webviews and tests use it.

export interface RunKey {
  id: string;
  experiment: string;
  name: string;
  createdAt: string; // ISO
  sweep?: { setting: string; seed: number };
}

export interface RunIdentity {
  id: string;
  experiment: string;
  /** The run name, or for a sweep's run its setting and seed: "adapter:lora · r=8 · seed 1". */
  name: string;
  /** 1 for the first training of this name in its experiment, 2 for the next, … */
  attempt: number;
  /** How many trainings of this name the experiment has. */
  attempts: number;
  createdAt: string;
}

export function displayName(run: Pick<RunKey, 'name' | 'sweep'>): string {
  return run.sweep ? `${run.sweep.setting} · seed ${run.sweep.seed}` : run.name;
}

/** Each run's identity, its attempt counted among `runs` (pass every run of the experiments, not only those shown; a run listed twice counts once). */
export function identify(runs: readonly RunKey[]): Map<string, RunIdentity> {
  const byName = new Map<string, RunKey[]>();
  for (const run of new Map(runs.map((r) => [r.id, r])).values()) {
    const key = `${run.experiment}\n${displayName(run)}`;
    byName.set(key, [...(byName.get(key) ?? []), run]);
  }
  const out = new Map<string, RunIdentity>();
  for (const same of byName.values()) {
    const ordered = [...same].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    ordered.forEach((run, i) =>
      out.set(run.id, { id: run.id, experiment: run.experiment, name: displayName(run), attempt: i + 1, attempts: ordered.length, createdAt: run.createdAt }),
    );
  }
  return out;
}

/** "adapter:mood", "adapter:mood #2" when the experiment trained it more than once, "tiny · adapter:mood #2" with the experiment. */
export function runLabel(run: Pick<RunIdentity, 'experiment' | 'name' | 'attempt' | 'attempts'>, withExperiment: boolean): string {
  const name = run.attempts > 1 ? `${run.name} #${run.attempt}` : run.name;
  return withExperiment ? `${run.experiment} · ${name}` : name;
}

/** Labels for runs shown together: the experiment is named when they come from more than one. */
export function labelRuns<T extends Pick<RunIdentity, 'id' | 'experiment' | 'name' | 'attempt' | 'attempts'>>(runs: readonly T[]): Map<string, string> {
  const several = new Set(runs.map((r) => r.experiment)).size > 1;
  return new Map(runs.map((r) => [r.id, runLabel(r, several)]));
}

/** "12-05 21:04", in local time: when the run was started, short enough for a legend. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Six base-36 characters from the run id (its folder name): a handle that tells apart runs started the same minute. */
export function shortId(id: string): string {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36).padStart(6, '0').slice(-6);
}

/** The second line of a run's name in legends and tooltips: "#2 · 12-05 21:04 · k3x9q1". */
export function runDetail(run: Pick<RunIdentity, 'id' | 'attempt' | 'createdAt'>): string {
  return [`#${run.attempt}`, shortTime(run.createdAt), shortId(run.id)].filter(Boolean).join(' · ');
}
