/**
 * Decides, per run, whether the CLI may use the repository's own Claude Code settings
 * (`sdlcPipeline.projectClaudeSettings`): `load`, `ignore`, or `ask` — once per workspace and
 * per content of those files, with a modal that says what they would do.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_SETTINGS_FILES, projectSettingsArgs, projectSettingsRisks } from './domain/projectSettings';
import type { ProjectClaudeSettings } from './domain/permissions';
import * as l10n from './domain/l10n';
import { notify } from './notify';
import type { ExtensionState } from './state';

const MAX_BYTES = 1024 * 1024;

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_BYTES) return '{"oversized": true, "hooks": "unknown"}';
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The flags to add for this folder, or undefined when the user declined to run. */
export async function projectSettingsFlags(mode: ProjectClaudeSettings, folder: string, state: ExtensionState): Promise<string[] | undefined> {
  if (mode !== 'ask') return projectSettingsArgs(mode);
  const files: Array<{ name: string; text: string }> = [];
  for (const name of PROJECT_SETTINGS_FILES) {
    const text = await readSmall(path.join(folder, name));
    if (text !== undefined) files.push({ name, text });
  }
  const risks = projectSettingsRisks(files);
  if (!risks.length) return [];
  const fingerprint = createHash('sha256').update(JSON.stringify([folder, files])).digest('hex');
  const saved = state.projectSettingsDecision();
  if (saved?.fingerprint === fingerprint) return projectSettingsArgs(saved.decision);
  const use = l10n.t('Use Them');
  const ignore = l10n.t('Ignore Them');
  const names = files.map((f) => f.name).join(', ');
  const question = l10n.t('This repository\'s Claude Code settings ({0}) define {1}. The CLI would apply them to every stage. Use them? (Ignoring them also skips the project\'s CLAUDE.md. Change this with sdlcPipeline.projectClaudeSettings.)', names, risks.join(', '));
  const choice = await notify.confirm(question, use, ignore);
  if (!choice) return undefined;
  const decision = choice === use ? 'load' : 'ignore';
  await state.setProjectSettingsDecision({ fingerprint, decision });
  return projectSettingsArgs(decision);
}
