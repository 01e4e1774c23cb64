// The one bundle with TensorFlow.js that the extension ships, so the .vsix carries it once. Forked by TrainerProcess
// (with an IPC channel) it is the trainer process; run as `engine.js inspect <config>` it prints what
// `adapter-lab inspect` prints, for Show Graph. Either way the work happens outside the extension host.
import * as path from 'path';
import { inspectCommand } from '../cli/inspect';
import '../trainer/main';

if (process.argv[2] === 'inspect') process.exitCode = inspectCommand(path.resolve(process.argv[3]));
