// Base models that ship with Adapter Lab, in Hugging Face layout under models/<name>/ at the package root.
import * as fs from 'fs';
import * as path from 'path';

export const BUILTIN_MODELS = ['lab-base', 'lab-gpt'] as const;

/** The folder of a built-in model, found by walking up from this module (src/core in tests, dist/ when bundled). */
export function builtinModelDir(name: string): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'models', name);
    if (fs.existsSync(path.join(candidate, 'config.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
