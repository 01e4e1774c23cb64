// Quick fixes for config problems that come with a "did you mean" suggestion: replace the typo with it — a whole
// quoted key or value, or just the name inside a composition setup string.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from './configDiagnostics';
import { suggestedFix } from './problems';

export class SuggestionQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics.flatMap((diagnostic) => {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return [];
      const fix = suggestedFix(diagnostic.code, diagnostic.message, document.getText(diagnostic.range));
      if (!fix) return [];
      const action = new vscode.CodeAction(`Change to '${fix.suggestion}'`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, diagnostic.range, fix.replacement);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      return [action];
    });
  }
}
