/**
 * Imported for its effect, first, by every bundle the extension host loads (extension, launch,
 * commands, worktrees, github, report, interactive; a unit test checks each entry): each carries its own copy of src/domain/l10n.ts, and each copy gets the
 * language VS Code loaded for this extension (`vscode.l10n.bundle`; none in English).
 */
import * as vscode from 'vscode';
import { useBundle } from './domain/l10n';

useBundle(vscode.l10n.bundle);
