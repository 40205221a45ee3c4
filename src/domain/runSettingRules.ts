/**
 * How each run setting is validated: one rule per run setting in the settings table, shaped
 * by the row's `combine` (the compiler rejects a missing rule or one of the wrong shape; the
 * kinds of rule and the shared builders are in runSettingRuleKinds.ts).
 * `parseRunSettings` applies them; a rule reports each value it refuses and never throws.
 * Pure: no `vscode` import.
 */
import * as z from 'zod/mini';
import { PERMISSION_MODES, UNQUOTABLE, type PermissionMode } from './cli';
import { MAX_PRICE_PER_MTOK, type Price } from './cost';
import { checkExtraArgs, describeAllowedFlags, EFFORT_LEVELS, quoteArg } from './extraArgs';
import * as l10n from './l10n';
import { checkModel, describeValue } from './models';
import { PERMISSIVENESS, PROJECT_CLAUDE_SETTINGS, WORKSPACE_PERMISSION_MODES, type ProjectClaudeSettings } from './permissions';
import { unknownPlaceholders } from './prompt';
import { checkWith, firstValid, keyPart, type Problems } from './scopedValues';
import { atLeastUsers, oneOf, type RuleFor } from './runSettingRuleKinds';
import type { Scope } from './settings';
import type { RunSettingKey } from './settingsTable';
import { COMMENT_MODES } from './github';
import { ISOLATION_STRENGTH, ISOLATIONS, isSafeBranchName, REVIEW_GATES } from './worktree';

const Cap = z.number().check(z.positive(), z.refine(Number.isFinite));
const USD = () => l10n.t('a positive number of USD');
const priceField = z.number().check(z.nonnegative(), z.maximum(MAX_PRICE_PER_MTOK), z.refine(Number.isFinite));
const PriceSchema = z.object({ input: priceField, output: priceField, cacheWrite: priceField, cacheRead: priceField });
/**
 * `ticketsDirectory`: a folder under `.sdlc/` ("/"-separated names of letters, digits, ".", "_"
 * and "-"). The folder is kept out of every commit (`.git/info/exclude`) and its files are
 * overwritten and removed with the worktree, so it must be the extension's own, never a folder
 * of the user's code.
 */
const TICKETS_DIR = /^\.sdlc(?:\/[\w.-]+)+\/?$/;

/** An `allowedTools` list: trimmed, without empty entries; refused (reported) with a quote, a control character or a leading "-". */
function toolList(v: unknown, scope: Scope, problems: Problems): string[] | undefined {
  const p = z.array(z.string()).safeParse(v);
  if (!p.success) {
    problems.at('allowedTools', scope, l10n.t('expected a list of strings, got {0}; ignored', describeValue(v)));
    return undefined;
  }
  const tools = p.data.map((t) => t.trim()).filter(Boolean);
  const quoted = tools.filter((t) => UNQUOTABLE.test(t));
  if (quoted.length) {
    const list = quoted.map(quoteArg).join(', ');
    problems.at('allowedTools', scope, quoted.length === 1 ? l10n.t('{0} contains a quote or a control character; the list is ignored', list) : l10n.t('{0} contain a quote or a control character; the list is ignored', list));
    return undefined;
  }
  const flags = tools.filter((t) => t.startsWith('-'));
  if (flags.length) {
    const list = flags.map(quoteArg).join(', ');
    problems.at('allowedTools', scope, flags.length === 1 ? l10n.t('{0} starts with "-" and would be read as a CLI flag, not a tool; the list is ignored', list) : l10n.t('{0} start with "-" and would be read as a CLI flag, not a tool; the list is ignored', list));
    return undefined;
  }
  return tools;
}

/** One rule per run setting. */
export const RUN_SETTING_RULES: { readonly [K in RunSettingKey]: RuleFor<K> } = {
  defaultSubagentModels: {
    get what() { return l10n.t('model'); },
    check(value, { customModels }) {
      const c = checkModel(value, customModels);
      return c.ok ? { ok: true, value: c.model } : { ok: false, message: c.message };
    },
  },
  defaultEfforts: { get what() { return l10n.t('effort'); }, check: checkWith(z.enum(EFFORT_LEVELS), () => l10n.t('one of {0}', EFFORT_LEVELS.join(', '))) },
  runMode: oneOf('runMode', ['headless', 'interactive'], (v) => l10n.t('expected "headless" or "interactive", got {0}; ignored', describeValue(v))),
  projectClaudeSettings: oneOf<ProjectClaudeSettings>('projectClaudeSettings', PROJECT_CLAUDE_SETTINGS),
  claudePath: {
    accept(v, scope, { problems }) {
      if (typeof v === 'string' && v.trim()) return v.trim();
      problems.at('claudePath', scope, l10n.t('expected a path, got {0}; looking for "claude" on PATH', describeValue(v)));
    },
  },
  // A repository (workspace or folder settings) may narrow what the agent may do, never widen it,
  // trusted or not: its permission mode may be no more permissive than the user's, and its
  // allowed tools must be ones the user's own list allows.
  permissionMode: {
    settle(modeEntries, s, { problems, defaults }) {
      const validMode = (v: unknown, scope: Scope): PermissionMode | undefined => {
        if ((PERMISSION_MODES as readonly unknown[]).includes(v)) return v as PermissionMode;
        problems.at('permissionMode', scope, l10n.t('expected one of {0}, got {1}; ignored', PERMISSION_MODES.join(', '), describeValue(v)));
        return undefined;
      };
      const userModeEntry = modeEntries.find((e) => e.scope === 'user');
      const userModeValid = userModeEntry ? validMode(userModeEntry.value, 'user') : undefined;
      const userMode = userModeValid ?? defaults.permissionMode;
      const mode = firstValid(modeEntries, (v, scope): PermissionMode | undefined => {
        if (scope === 'user') return userModeValid;
        const m = validMode(v, scope);
        if (!m) return undefined;
        if (!(WORKSPACE_PERMISSION_MODES as readonly string[]).includes(m)) {
          problems.at('permissionMode', scope, l10n.t('"{0}" is honoured only in user settings (a workspace may choose {1}); ignored', m, WORKSPACE_PERMISSION_MODES.join(', ')));
          return undefined;
        }
        if (PERMISSIVENESS[m] > PERMISSIVENESS[userMode]) {
          problems.at('permissionMode', scope, l10n.t('"{0}" would let the agent do more than your user settings allow ("{1}"); a workspace may only narrow it; ignored', m, userMode));
          return undefined;
        }
        return m;
      });
      if (mode) {
        s.permissionMode = mode.value;
        s.permissionModeSource = mode.scope;
      }
    },
  },
  allowedTools: {
    settle(toolEntries, s, { problems }) {
      const userToolsEntry = toolEntries.find((e) => e.scope === 'user');
      const userToolsValid = userToolsEntry ? toolList(userToolsEntry.value, 'user', problems) : undefined;
      const userTools = userToolsValid ?? [];
      const allowedTools = firstValid(toolEntries, (v, scope) => {
        if (scope === 'user') return userToolsValid;
        const tools = toolList(v, scope, problems);
        if (!tools) return undefined;
        const wider = tools.filter((t) => !userTools.includes(t));
        if (wider.length) {
          const list = wider.map(quoteArg).join(', ');
          problems.at(
            'allowedTools',
            scope,
            wider.length === 1
              ? l10n.t('{0} is not allowed by your user settings; a workspace may only narrow this list; ignored', list)
              : l10n.t('{0} are not allowed by your user settings; a workspace may only narrow this list; ignored', list),
          );
          return undefined;
        }
        return tools;
      });
      if (allowedTools) s.allowedTools = allowedTools.value;
    },
  },
  extraArgs: {
    accept(v, scope, { problems }) {
      const p = z.array(z.string()).safeParse(v);
      if (!p.success) {
        problems.at('extraArgs', scope, l10n.t('expected a list of strings, got {0}; ignored', describeValue(v)));
        return undefined;
      }
      const refused = checkExtraArgs(p.data);
      if (refused.length) {
        problems.at('extraArgs', scope, l10n.t('{0}. Allowed: {1}. The whole extraArgs list is ignored', refused.join('; '), describeAllowedFlags().join(', ')));
        return undefined;
      }
      return p.data;
    },
  },
  maxBudgetUsd: { get what() { return USD(); }, check: checkWith(Cap, USD) },
  maxTicketBudgetUsd: { get what() { return USD(); }, check: checkWith(Cap, USD) },
  maxDailyBudgetUsd: { get what() { return USD(); }, check: checkWith(Cap, USD) },
  stagePrompts: {
    get what() { return l10n.t('prompt template'); },
    check: checkWith(z.string().check(z.minLength(1)), () => l10n.t('a prompt template')),
    review(settled, { problems }) {
      for (const [stage, tpl] of Object.entries(settled)) {
        const unknown = unknownPlaceholders(tpl);
        if (unknown.length) problems.about(`stagePrompts.${stage}`, l10n.t('unknown placeholder {0} is left as written', unknown.map((u) => '${' + u + '}').join(', ')));
      }
    },
  },
  stageCommands: { get what() { return l10n.t('command name'); }, check: checkWith(z.string().check(z.regex(/^\/?[\w:.-]+$/)), () => l10n.t('a command name such as "plan-ticket"')) },
  ticketsDirectory: {
    accept(v, scope, { problems }) {
      // Plain folder names joined by "/" under ".sdlc/": what the prompt names is exactly what is written (no ".", "..", "\\", drive or root),
      // and never a folder of the user's code (it is excluded from commits and deleted with the worktree).
      if (typeof v === 'string' && TICKETS_DIR.test(v.trim()) && !v.trim().split('/').some((p) => p === '.' || p === '..')) return v.trim().replace(/\/+$/, '');
      problems.at('ticketsDirectory', scope, l10n.t('expected a folder under .sdlc/ (e.g. ".sdlc/tickets"), got {0}; ignored. The tickets folder is kept out of commits and removed with the worktree, so it is never a folder of your code', describeValue(v)));
    },
  },
  isolation: atLeastUsers('isolation', ISOLATIONS, ISOLATION_STRENGTH, (x, floor) =>
    l10n.t('"{0}" keeps the agent closer to your working tree than your user settings ("{1}"); a workspace may only ask for more; ignored', x, floor),
  ),
  baseBranch: {
    accept(v, scope, { problems }) {
      if (typeof v === 'string' && isSafeBranchName(v.trim())) return v.trim();
      problems.at('baseBranch', scope, l10n.t("expected a branch name, got {0}; ignored (the folder's current branch is the base)", describeValue(v)));
    },
  },
  worktreesDirectory: {
    accept(v, scope, { problems }) {
      // Absolute, no control characters: it becomes a git argument and a terminal's working directory.
      if (typeof v === 'string' && (v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v)) && !/[\x00-\x1f\x7f]/.test(v) && !v.split(/[\\/]/).includes('..')) return v.replace(/[\\/]+$/, '') || v;
      problems.at('worktreesDirectory', scope, l10n.t('expected an absolute folder, got {0}; ignored (worktrees go beside the repository)', describeValue(v)));
    },
  },
  maxParallelPipelines: {
    accept(v, scope, { problems }) {
      const p = z.int().check(z.minimum(1), z.maximum(16)).safeParse(v);
      if (p.success) return p.data;
      problems.at('maxParallelPipelines', scope, l10n.t('expected a whole number from 1 to 16, got {0}; ignored', describeValue(v)));
    },
  },
  'github.comment': oneOf('github.comment', COMMENT_MODES),
  'github.draftPullRequests': {
    accept(v, scope, { problems }) {
      if (typeof v === 'boolean') return v;
      problems.at('github.draftPullRequests', scope, l10n.t('expected true or false, got {0}; ignored', describeValue(v)));
    },
  },
  reviewGate: atLeastUsers('reviewGate', REVIEW_GATES, { off: 0, beforeMerge: 1 }, (x, floor) =>
    l10n.t('"{0}" checks less than your user settings ("{1}"); a workspace may only ask for more; ignored', x, floor),
  ),
  prices: {
    settle(entries, s, { problems }) {
      for (const e of entries) {
        if (typeof e.value !== 'object' || Array.isArray(e.value)) {
          problems.at('prices', e.scope, l10n.t('expected an object of model → price, got {0}; using built-in prices', describeValue(e.value)));
          continue;
        }
        for (const [model, price] of Object.entries(e.value as object)) {
          const p = PriceSchema.safeParse(price);
          if (p.success) s.prices[model] = p.data satisfies Price;
          else problems.at(`prices.${keyPart(model)}`, e.scope, l10n.t('expected { input, output, cacheWrite, cacheRead }, each a number from 0 to {0} USD per million tokens; the built-in price applies', MAX_PRICE_PER_MTOK));
        }
      }
    },
  },
  escalation: {
    get what() { return l10n.t('list of models'); },
    ignored: (message) => l10n.t('{0}; chain ignored', message),
    check(value, { customModels }) {
      const p = z.array(z.string()).safeParse(value);
      if (!p.success) return { ok: false, message: l10n.t('expected a list of models, got {0}', describeValue(value)) };
      const chain: string[] = [];
      for (const m of p.data) {
        const c = checkModel(m, customModels);
        if (!c.ok) return { ok: false, message: c.message };
        if (chain.includes(c.model)) return { ok: false, message: l10n.t('"{0}" appears twice (a chain names each model once, or it could retry forever)', c.model) };
        chain.push(c.model);
      }
      return { ok: true, value: chain };
    },
  },
  escalationMode: {
    accept(v, scope, { problems }) {
      // "auto" spends without asking: only the user can choose it.
      if (v === 'auto' && scope !== 'user') {
        problems.at('escalationMode', scope, l10n.t('"auto" (re-run failed stages on costlier models without asking) is honoured only in user settings; ignored'));
        return undefined;
      }
      if (v === 'off' || v === 'ask' || v === 'auto') return v;
      problems.at('escalationMode', scope, l10n.t('expected "off", "ask" or "auto", got {0}; ignored', describeValue(v)));
    },
  },
  fallbackModel: {
    accept(v, scope, { problems, customModels }) {
      const c = checkModel(v, customModels);
      if (c.ok) return c.model;
      problems.at('fallbackModel', scope, l10n.t('{0}; ignored', c.message));
    },
  },
};
