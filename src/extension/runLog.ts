// The lines the "Adapter Lab" output channel gets for each run: start, every tenth of training, evaluations, exit,
// and whatever the trainer process prints. One instance per training session (it remembers the last tenth logged).
import type { FromTrainer } from '../protocol/trainer';
import type { TrainerExit } from '../runner/trainerProcess';

export class RunLog {
  private readonly lastTenth = new Map<string, number>();

  /** The line for a trainer message, or undefined when it is not worth a line (most progress messages). */
  message(runName: string, m: FromTrainer): string | undefined {
    switch (m.type) {
      case 'ready':
        return `[${runName}] started on ${m.backend} (pid ${m.pid})`;
      case 'log':
        return `[${runName}] ${m.message}`;
      case 'progress': {
        const tenth = Math.floor((10 * m.event.step) / m.event.totalSteps);
        if (tenth <= (this.lastTenth.get(runName) ?? 0)) return undefined;
        this.lastTenth.set(runName, tenth);
        return `[${runName}] step ${m.event.step}/${m.event.totalSteps} loss ${m.event.loss.toFixed(3)} ${m.event.examplesPerSec.toFixed(0)} examples/s`;
      }
      case 'eval': {
        const metrics = Object.entries(m.event.metrics)
          .map(([task, v]) => `${task} ${(100 * v.accuracy).toFixed(1)}%`)
          .join(', ');
        const where = m.event.split === 'test' ? 'test' : `epoch ${m.event.epoch} validation`;
        return `[${runName}] ${where}: ${metrics}${m.event.best && m.event.split !== 'test' ? ' (best so far)' : ''}`;
      }
      case 'checkpoint':
        return `[${runName}] checkpoint after epoch ${m.epoch}: ${m.dir}`;
      case 'error':
        return `[${runName}] error: ${m.message}`;
      case 'done':
        return undefined; // the exit line says it, also when the process died without a "done"
    }
  }

  exit(runName: string, exit: TrainerExit, runDir: string): string {
    const reason = exit.reason && exit.status !== 'completed' ? `: ${exit.reason}` : '';
    return `[${runName}] ${exit.status}${reason}\n[${runName}] folder: ${runDir}`;
  }
}
