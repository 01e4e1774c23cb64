// Quick fixes for config problems that come with a "did you mean" suggestion: replace the typo with it.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from './configDiagnostics';
import { suggestedReplacement } from './problems';

export class SuggestionQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics.flatMap((diagnostic) => {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return [];
      const replacement = suggestedReplacement(diagnostic.code, diagnostic.message);
      if (!replacement) return [];
      const action = new vscode.CodeAction(`Change to ${replacement}`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, diagnostic.range, replacement);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      return [action];
    });
  }
}
