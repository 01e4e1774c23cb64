// Names of tasks, adapters, merges and compositions become folder names (adapters/<name>/, heads/<task>/,
// fusion/<name>/) and parts of run folder names: a name must not be a path, or a run would write outside its folder.
import type { Issue } from './issue';
import type { RawConfig } from './resolve';

/** Longest name: a folder name must stay well under the 255 bytes most file systems allow. */
export const MAX_NAME_LENGTH = 100;

/** Why `name` cannot name a folder, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'is empty';
  if (name === '.' || name === '..') return `is "${name}", which is a path, not a name`;
  if (/[/\\]/.test(name)) return 'contains / or \\: a name is not a path';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character (a line break or a tab?)';
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters long; keep it at most ${MAX_NAME_LENGTH}`;
  return undefined;
}

const SECTIONS = [
  ['tasks', 'task'],
  ['adapters', 'adapter'],
  ['merges', 'merge'],
  ['compositions', 'composition'],
] as const;

/** Every name in the config's sections that cannot name a folder, reported at its key. */
export function nameIssues(raw: RawConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [section, what] of SECTIONS) {
    for (const name of Object.keys(raw[section] ?? {})) {
      const problem = nameProblem(name);
      if (!problem) continue;
      issues.push({
        path: [section, name],
        part: 'key',
        code: 'name-not-a-folder-name',
        message: `the ${what} name ${JSON.stringify(name)} ${problem}; it names folders in every run (not a path), so rename it`,
      });
    }
  }
  return issues;
}
