// The semantic-check options that look at the disk: what `adapter-lab check`, training and the editor pass, so that
// all three report the same problems at the same places.
import { existsSync } from 'node:fs';
import { pathProblem } from '../io/pathProblem';
import { baseShapeOf } from '../parameters/baseShape';
import type { SemanticOptions } from './semantic';

/** Files and folders checked on disk; a built-in or `path` base's sizes read from its config.json. */
export const DISK_CHECKS: SemanticOptions = { fileExists: existsSync, pathProblem, baseShape: (base) => baseShapeOf(base).config };
