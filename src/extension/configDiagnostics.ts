// The core's config checks as diagnostics, at the exact range, refreshed while the user types (debounced).
import * as vscode from 'vscode';
import { checkExperimentText } from '../core/sweep/check';
import { isConfigUri } from './configDocuments';
import { workspaceDiskChecks } from './runLocations';
import { problemsToShow, toZeroBased } from './problems';

export const DIAGNOSTIC_SOURCE = 'Adapter Lab';
const DEBOUNCE_MS = 300;

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('adapterLab');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.check(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.checkSoon(e.document)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.check(doc)), // data files may have appeared meanwhile
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cancelPending(doc.uri);
        this.collection.delete(doc.uri);
      }),
    ];
    vscode.workspace.textDocuments.forEach((doc) => this.check(doc));
  }

  private checkSoon(doc: vscode.TextDocument): void {
    if (!isConfigUri(doc.uri)) return;
    this.cancelPending(doc.uri);
    this.pending.set(
      doc.uri.toString(),
      setTimeout(() => this.check(doc), DEBOUNCE_MS),
    );
  }

  private check(doc: vscode.TextDocument): void {
    if (!isConfigUri(doc.uri) || doc.isClosed) return;
    this.pending.delete(doc.uri.toString());
    const { problems } = checkExperimentText(
      doc.getText(),
      doc.uri.fsPath,
      workspaceDiskChecks((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)),
    );
    this.collection.set(
      doc.uri,
      problemsToShow(problems).map((p) => {
        const r = toZeroBased(p.range);
        const severity = p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
        const diagnostic = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), p.message, severity);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = p.code;
        return diagnostic;
      }),
    );
  }

  private cancelPending(uri: vscode.Uri): void {
    clearTimeout(this.pending.get(uri.toString()));
    this.pending.delete(uri.toString());
  }

  dispose(): void {
    this.pending.forEach((timer) => clearTimeout(timer));
    this.subscriptions.forEach((s) => s.dispose());
    this.collection.dispose();
  }
}
