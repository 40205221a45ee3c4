/**
 * Decides, per run, whether the CLI may use the repository's own Claude Code settings
 * (`sdlcPipeline.projectClaudeSettings`): `load`, `ignore`, or `ask` — once per content of those
 * files, with a modal that says what they would do. It looks in the folder the CLI is about to
 * run in (the ticket's worktree, after every earlier stage), at the moment it starts: an earlier
 * stage's agent, a branch or a deleted-but-committed file cannot slip settings past the question.
 * Files are read without following links and up to a stated size (./projectSettingsFiles).
 */
import { createHash } from 'node:crypto';
import { projectSettingsArgs, projectSettingsFingerprintInput, projectSettingsRisks } from './domain/projectSettings';
import type { ProjectClaudeSettings } from './domain/permissions';
import * as l10n from './domain/l10n';
import { notify } from './notify';
import { readProjectSettings } from './projectSettingsFiles';
import type { ExtensionState } from './state';

/** The flags to add for a CLI about to run in `cwd`, or undefined when the user declined to run. */
export async function projectSettingsFlags(mode: ProjectClaudeSettings, cwd: string, state: ExtensionState): Promise<string[] | undefined> {
  if (mode !== 'ask') return projectSettingsArgs(mode);
  const files = await readProjectSettings(cwd);
  const risks = projectSettingsRisks(files);
  if (!risks.length) return [];
  // A link's target can change without its name changing: such an answer is never remembered.
  const remember = files.every((f) => 'text' in f);
  const fingerprint = createHash('sha256').update(projectSettingsFingerprintInput(files)).digest('hex');
  const saved = remember ? state.projectSettingsDecision(fingerprint) : undefined;
  if (saved) return projectSettingsArgs(saved);
  const use = l10n.t('Use Them');
  const ignore = l10n.t('Ignore Them');
  const names = files.map((f) => f.name).join(', ');
  const question = l10n.t('This repository\'s Claude Code settings ({0}) define {1}. The CLI would apply them to every stage. Use them? (Ignoring them also skips the project\'s CLAUDE.md. Change this with sdlcPipeline.projectClaudeSettings.)', names, risks.join(', '));
  const choice = await notify.confirm(question, use, ignore);
  if (!choice) return undefined;
  const decision = choice === use ? 'load' : 'ignore';
  if (remember) await state.setProjectSettingsDecision(fingerprint, decision);
  return projectSettingsArgs(decision);
}
