// Read-only documents for generated reports (comparison, parameters, graph): a TextDocumentContentProvider on a
// scheme of our own, so VS Code shows them as read-only editors that nobody is asked to save.
import * as vscode from 'vscode';

const REPORT_SCHEME = 'adapterlab-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This report is no longer available: run the command again.';
  }

  /** Opens (or refreshes, when a report with that title is open) a report; `title` ends in .md or .txt for its language. */
  async show(title: string, text: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${title}` });
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
