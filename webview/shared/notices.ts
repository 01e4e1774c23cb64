// The messages a view shows above (or instead of) its content: what is damaged in a run folder and how to fix it,
// errors from the host, "no data yet". Each message once, however often it is reported.
import type { Notice } from '../../src/protocol/runStream';
import { h } from './dom';

export class Notices {
  private readonly shown = new Set<string>();

  constructor(private readonly container: HTMLElement) {
    container.setAttribute('aria-live', 'polite');
  }

  add(notice: Notice, runName?: string): void {
    const key = `${notice.severity}\n${notice.runId ?? ''}\n${notice.message}`;
    if (this.shown.has(key)) return;
    this.shown.add(key);
    const heading = notice.severity === 'error' ? 'Cannot show this run' : notice.severity === 'warning' ? 'Damaged run data' : 'Note';
    const title = runName ? `${heading}: ${runName}` : heading;
    this.container.append(
      h('div', { className: `notice ${notice.severity}`, role: notice.severity === 'error' ? 'alert' : 'status' }, h('strong', {}, title), notice.message),
    );
  }

  clear(): void {
    this.shown.clear();
    this.container.replaceChildren();
  }

  get count(): number {
    return this.shown.size;
  }
}
