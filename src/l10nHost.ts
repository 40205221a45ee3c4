/**
 * Imported for its effect by every bundle the extension host loads (extension, worktrees, github,
 * report, interactive): each carries its own copy of src/domain/l10n.ts, and each copy gets the
 * language VS Code loaded for this extension (`vscode.l10n.bundle`; none in English).
 */
import * as vscode from 'vscode';
import { useBundle } from './domain/l10n';

useBundle(vscode.l10n.bundle);
