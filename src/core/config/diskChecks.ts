// The semantic-check options that look at the disk: what `adapter-lab check`, training and the editor pass, so that
// all three report the same problems at the same places.
import { existsSync } from 'node:fs';
import { pathProblem } from '../io/pathProblem';
import type { SemanticOptions } from './semantic';

export const DISK_CHECKS: SemanticOptions = { fileExists: existsSync, pathProblem };
