/**
 * The rest of each setting's package.json property: its `type`, descriptions and JSON schema, by
 * settings-table key (settingsTable.ts gives its `order`, `scope` and `default`). Only the manifest
 * reads it (manifest.ts: `npm run manifest`, the manifest unit tests), never the extension, so the
 * extension bundle carries none of this text. Pure: no `vscode` import.
 */
import { PERMISSION_MODES } from './cli';
import { BUILTIN_PRICES, MAX_PRICE_PER_MTOK, PRICES_AS_OF } from './cost';
import { EFFORT_LEVELS, EXTRA_ARGS_ALLOWLIST, RESERVED_FLAGS, type AllowedFlag } from './extraArgs';
import { BUILTIN_ESCALATION_CHAIN, BUILTIN_MODELS, CLI_ALIASES } from './models';
import { PERMISSIVENESS, PROJECT_CLAUDE_SETTINGS, USER_ONLY_PERMISSION_MODES, WORKSPACE_PERMISSION_MODES } from './permissions';
import { PLACEHOLDERS } from './prompt';
import { BUILTIN_PRESETS } from './settings';
import type { SettingKey } from './settingsTable';
import { STAGES, STAGE_IDS } from './stages';

/** A setting's package.json property, less what its row gives (`order`, `scope`, `default`). */
export interface SettingSchema {
  readonly type: string | readonly string[];
  readonly markdownDescription: string;
  readonly [field: string]: unknown;
}

const modelValue = {
  type: 'string',
  anyOf: [
    { enum: BUILTIN_MODELS.map((m) => m.id), enumDescriptions: BUILTIN_MODELS.map((m) => `${m.description} (${m.relativeCost}× haiku)`) },
    { type: 'string', pattern: '^\\S+$', patternErrorMessage: 'A model alias, a custom model, or a full model id (no spaces).' },
  ],
};
const perStage = (value: object, describe: (label: string, defaultModel: string) => string) =>
  Object.fromEntries(STAGES.map((s) => [s.id, { ...value, description: describe(s.label, s.defaultModel) }]));
const code = (values: readonly string[], join = ', ') => values.map((v) => `\`${v}\``).join(join);
const flagDoc = (f: AllowedFlag) => [f.flag, ...(f.aliases ?? [])].map((n) => `\`${n}${f.hint ? ` ${f.hint}` : ''}\``).join(' or ') + ` (${f.why})`;
const RESTRICTED = 'In an untrusted workspace only user settings are read.';
const LOWEST_WINS = 'The lowest value across user, workspace and folder settings applies: a workspace can lower the cap, never raise or remove it.';

/** One entry per settings-table row (the compiler checks that none is missing). */
export const SETTING_SCHEMAS: { readonly [K in SettingKey]: SettingSchema } = {
  defaultModels: {
    type: 'object',
    markdownDescription: `Default model per stage for new tickets. A ticket's own choice beats this setting; folder settings beat workspace settings, which beat user settings, which beat the built-in defaults (${STAGES.map((s) => `${s.id} \`${s.defaultModel}\``).join(', ')}). A value is a model alias the Claude Code CLI knows, a model from \`#sdlcPipeline.customModels#\`, or a full model id; an invalid value is reported and that stage falls back to its built-in default.`,
    additionalProperties: false,
    properties: perStage(modelValue, (label, builtin) => `Model for the ${label} stage (built-in: ${builtin}).`),
  },
  defaultStages: { type: 'array', markdownDescription: 'Stages selected in a new ticket form.', items: { type: 'string', enum: [...STAGE_IDS] }, uniqueItems: true },
  customModels: {
    type: 'array',
    markdownDescription: `Extra models offered in every model picker: aliases the CLI knows (${code(CLI_ALIASES.filter((a) => !BUILTIN_MODELS.some((m) => m.id === a)))}), full model ids, or Bedrock/Vertex ids.`,
    items: { type: 'string' },
    uniqueItems: true,
  },
  presets: {
    type: 'object',
    markdownDescription: `Named presets offered in the form beside the built-in ${BUILTIN_PRESETS.map((p) => `"${p.name}"`).join(', ')}: preset name → { stage: model } or { stage: { "model", "effort" } }, e.g. \`{ "Deep plan": { "plan": { "model": "fable", "effort": "max" }, "build": "opus" } }\`. A preset with a built-in's name replaces it.`,
    additionalProperties: {
      type: 'object',
      properties: perStage(
        { anyOf: [modelValue, { type: 'object', additionalProperties: false, properties: { model: modelValue, effort: { type: 'string', enum: [...EFFORT_LEVELS] } } }] },
        (label) => `Model (or { model, effort }) for the ${label} stage.`,
      ),
      additionalProperties: false,
    },
  },
  defaultSubagentModels: {
    type: 'object',
    additionalProperties: false,
    properties: perStage(modelValue, (label) => `Model for the sub-agents the ${label} stage starts (the Agent tool), passed as CLAUDE_CODE_SUBAGENT_MODEL.`),
    markdownDescription: 'Model per stage for the sub-agents it starts (the `Agent` tool; the CLI reads `CLAUDE_CODE_SUBAGENT_MODEL`). Built-in: Plan\'s sub-agents run on `haiku`; other stages\' sub-agents run on the stage\'s own model. A ticket\'s own choice beats this; folder beats workspace beats user settings.',
  },
  defaultEfforts: {
    type: 'object',
    additionalProperties: false,
    properties: perStage({ type: 'string', enum: [...EFFORT_LEVELS] }, (label) => `Reasoning effort for the ${label} stage (--effort).`),
    markdownDescription: 'Reasoning effort per stage, passed as `--effort` (the CLI sends it as the request\'s `output_config.effort`): as much a cost/quality choice as the model. Unset: the CLI\'s own default. A ticket\'s own choice beats this. When `#sdlcPipeline.extraArgs#` carries `--effort` too, the per-stage value wins.',
  },
  runMode: {
    type: 'string',
    enum: ['headless', 'interactive'],
    enumDescriptions: [
      'An extension-owned terminal runs `claude -p` and renders its stream; cost and model are recorded.',
      'The terminal runs the Claude Code TUI itself so you can talk to it. Its cost is read from the session\'s transcript while it runs; a cap stops it.',
    ],
    markdownDescription: 'How a stage runs in its terminal. "Run Stage…" can choose per run. Interactive runs are followed through the CLI\'s session transcript (cost shown live, recorded when the terminal closes, capped by `#sdlcPipeline.maxBudgetUsd#`, the ticket cap and `#sdlcPipeline.maxDailyBudgetUsd#`); the transcript is the CLI\'s own format, so a cost it does not show is recorded as unknown. Read from user settings only.',
  },
  projectClaudeSettings: {
    type: 'string',
    enum: [...PROJECT_CLAUDE_SETTINGS],
    enumDescriptions: [
      'The first run in a repository whose `.claude/settings.json`, `.claude/settings.local.json` or `.mcp.json` defines hooks, permissions, env or MCP servers asks whether to use them; the answer is remembered for this workspace until those files change.',
      'The CLI uses the repository\'s Claude Code settings, as when you run `claude` there yourself: its hooks run commands and its permissions apply.',
      'Stages run with `--setting-sources user --strict-mcp-config`: the repository\'s hooks, permissions, env and MCP servers are ignored (so is its CLAUDE.md).',
    ],
    markdownDescription: 'Whether stages use the repository\'s own Claude Code settings (`.claude/settings.json`: hooks run commands, permissions widen what the agent may do, env can redirect the API). Read from user settings only.',
  },
  claudePath: { type: 'string', markdownDescription: 'Path of the Claude Code CLI executable. Empty: `claude` on PATH. Read from user settings only: a workspace cannot choose the executable.' },
  permissionMode: {
    type: 'string',
    enum: [...PERMISSION_MODES],
    markdownDescription: `The CLI's \`--permission-mode\`. Headless runs never prompt: tools that need permission are denied and reported. Workspace and folder settings may choose ${code(WORKSPACE_PERMISSION_MODES)}; ${code(USER_ONLY_PERMISSION_MODES, ' and ')} are honoured only from user settings (elsewhere they are reported and ignored), and the first run with \`bypassPermissions\` asks for confirmation. A workspace or folder value may only narrow the user's mode (${code(Object.entries(PERMISSIVENESS).sort((a, b) => a[1] - b[1]).map(([m]) => m), ' < ')}); a wider one is ignored. ${RESTRICTED}`,
  },
  allowedTools: {
    type: 'array',
    items: { type: 'string', pattern: '^[^-]', patternErrorMessage: 'A tool rule such as Bash(npm test:*); it may not start with "-".' },
    markdownDescription: `Passed as \`--allowedTools\` (e.g. \`Bash(npm test:*)\`). An entry starting with \`-\` would be read as a CLI flag: the list is then ignored with a warning. A workspace or folder list may only name tools your user list allows (it can narrow, never widen); the most specific valid list wins. ${RESTRICTED}`,
  },
  extraArgs: {
    type: 'array',
    items: { type: 'string' },
    markdownDescription: `Extra CLI arguments for every stage, from an allowlist: ${EXTRA_ARGS_ALLOWLIST.map(flagDoc).join('; ')}. A value may also be written \`--flag=value\`. Anything else — another flag, a short flag or bundle such as \`-pc\`, a positional argument, or a flag the extension sets (${code(RESERVED_FLAGS)}) — is refused with a warning naming it, and the whole list is then ignored. Read from user settings only: a repository can neither add flags nor drop yours.`,
  },
  maxBudgetUsd: {
    type: 'object',
    additionalProperties: false,
    properties: perStage({ type: 'number', exclusiveMinimum: 0 }, (label) => `Spending cap in USD for one headless ${label} run (--max-budget-usd). The lowest value across user, workspace and folder settings applies.`),
    markdownDescription: `Per-stage spending cap for headless runs, passed as \`--max-budget-usd\`. A run stopped by it ends as "budget exceeded". ${LOWEST_WINS} ${RESTRICTED}`,
  },
  maxTicketBudgetUsd: {
    type: ['number', 'null'],
    exclusiveMinimum: 0,
    markdownDescription: `Whole-ticket spending cap in USD: once a ticket's recorded spend across its stages and escalations reaches it, the pipeline and its escalations stop, and each run's \`--max-budget-usd\` is at most what is left. Unset: no ticket cap. ${LOWEST_WINS} ${RESTRICTED}`,
  },
  maxDailyBudgetUsd: {
    type: ['number', 'null'],
    exclusiveMinimum: 0,
    markdownDescription: `Daily spending cap in USD across every ticket of the workspace (by local day), headless and interactive runs alike. The status bar shows today's spend against it; a stage (or an escalation) whose estimate the rest of the day's budget cannot cover asks first; reaching it stops running stages like a cap. Unset: no daily cap. Read from user settings only. ${RESTRICTED}`,
  },
  stagePrompts: {
    type: 'object',
    additionalProperties: false,
    properties: perStage({ type: 'string' }, (label) => `Prompt template for the ${label} stage.`),
    markdownDescription: `Per-stage prompt templates. Placeholders: ${code(PLACEHOLDERS.map((p) => '${' + p + '}'))}. The ticket's text (title and description) is always in the ticket file, never on the command line, so there is no \`\${title}\` placeholder. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
  },
  stageCommands: {
    type: 'object',
    additionalProperties: false,
    properties: perStage({ type: 'string' }, (label) => `Custom slash command for the ${label} stage (from .claude/commands/<name>.md).`),
    markdownDescription: `Per-stage custom slash command: the stage runs \`/<name> <ticket file>\` instead of its prompt template. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
  },
  ticketsDirectory: {
    type: 'string',
    pattern: '^\\.sdlc(/[\\w.-]+)+/?$',
    patternErrorMessage: 'A folder under .sdlc/, such as .sdlc/tickets.',
    markdownDescription: 'Folder (relative to the workspace folder) where each ticket\'s files live: `<id>/ticket.md`, `plan.md`, `questions.md`, `review.md`. It must be under `.sdlc/` (the extension\'s own folder): it is kept out of every commit (a line in `.git/info/exclude`) and goes with a ticket\'s worktree, so it can never be a folder of your code. Any other value is reported and `.sdlc/tickets` is used.',
  },
  isolation: {
    type: 'string',
    enum: ['worktree', 'branch', 'none'],
    enumDescriptions: [
      'Each ticket gets branch `sdlc/<id>-<title>` and its own git worktree outside your tree (see `#sdlcPipeline.worktreesDirectory#`): tickets run side by side and your files and `git status` stay untouched.',
      'Each ticket gets its own branch, checked out in your folder; a stage refuses to start while the folder has uncommitted changes. One ticket at a time per repository.',
      'Stages run in the workspace folder itself, on whatever is checked out.',
    ],
    markdownDescription: `Where a ticket's stages work. Outside a git repository, or in one without a commit yet, stages run in place (as \`none\`) and say why once. A workspace or folder value may ask for more isolation than your user settings (none < branch < worktree), never less. ${RESTRICTED}`,
  },
  baseBranch: { type: 'string', markdownDescription: 'The branch a ticket\'s branch starts from and merges into. Empty: the branch checked out in the folder when the ticket first runs (recorded on the ticket).' },
  worktreesDirectory: { type: 'string', markdownDescription: 'Absolute folder for ticket worktrees (`<folder>/<id>-<title>`). Empty: `<repository>.worktrees` beside the repository, which is also used when the folder is the repository or inside it (worktrees there would show in its `git status`). Read from user settings only: a repository cannot choose where files are written outside it.' },
  maxParallelPipelines: { type: 'integer', minimum: 1, maximum: 16, markdownDescription: 'How many tickets\' pipelines run at the same time; more wait in a queue (the Tickets view shows "queued", the status bar counts them). Read from user settings only.' },
  reviewGate: {
    type: 'string',
    enum: ['beforeMerge', 'off'],
    enumDescriptions: ['Pause before the Merge stage until you approve the ticket\'s changes (Review Changes opens them against the base).', 'Run the Merge stage without pausing.'],
    markdownDescription: `The review gate for tickets on their own branch. A workspace or folder value may turn it on, never off. ${RESTRICTED}`,
  },
  'github.comment': {
    type: 'string',
    enum: ['off', 'summary', 'live'],
    enumDescriptions: ['Post nothing.', 'One comment on the ticket\'s issue when its pipeline ends or stops.', 'The same comment, edited after every stage.'],
    markdownDescription: 'The status comment on a ticket\'s GitHub issue: one comment per ticket, edited in place, with each stage\'s model asked, model that ran, status, duration and cost, the total and the saving against all-Opus. Read from user settings only (it publishes what your tickets cost).',
  },
  'github.draftPullRequests': { type: 'boolean', markdownDescription: '**Create Pull Request** opens a draft pull request.' },
  prices: {
    type: 'object',
    markdownDescription: `Price overrides in USD per million tokens, by model family (${code(Object.keys(BUILTIN_PRICES))}) or model id: \`{ "input", "output", "cacheWrite", "cacheRead" }\`, each from 0 to ${MAX_PRICE_PER_MTOK}; an invalid entry is reported and the built-in price applies. The built-in table (as of ${PRICES_AS_OF}): ${Object.entries(BUILTIN_PRICES).map(([f, p]) => `${f} $${p.input}/$${p.output}`).join(', ')} (input/output). Set an override when your prices differ (e.g. a promotional period). Read from user settings only: prices are about your account, not the project, so a repository cannot make estimates look cheaper.`,
    additionalProperties: {
      type: 'object',
      required: ['input', 'output', 'cacheWrite', 'cacheRead'],
      properties: Object.fromEntries(['input', 'output', 'cacheWrite', 'cacheRead'].map((k) => [k, { type: 'number', minimum: 0, maximum: MAX_PRICE_PER_MTOK }])),
    },
  },
  escalation: {
    type: 'object',
    additionalProperties: false,
    properties: perStage({ type: 'array', items: { type: 'string' }, uniqueItems: true }, (label) => `Models to try in order when the ${label} stage fails, e.g. ["haiku", "sonnet", "opus"]. Each model at most once.`),
    markdownDescription: `Per-stage escalation chain used when a stage fails (see \`#sdlcPipeline.escalationMode#\`): after a failure on a model, the models after it in the chain are tried in order. A chain that names a model twice is reported and ignored. For each stage the most specific scope that sets it wins. A stage with no chain uses the built-in ${code(BUILTIN_ESCALATION_CHAIN)} (in that order); a model that is not in its chain is never escalated. ${RESTRICTED}`,
  },
  escalationMode: {
    type: 'string',
    enum: ['off', 'ask', 'auto'],
    enumDescriptions: ['Never escalate.', 'Offer "Retry with <next model>" when a stage fails.', 'Re-run a failed stage on the next model automatically.'],
    markdownDescription: `What happens when a stage with an escalation chain fails. \`auto\` spends without asking, so it is honoured only from user settings. ${RESTRICTED}`,
  },
  fallbackModel: { type: 'string', markdownDescription: `Headless runs pass \`--fallback-model\` with this model (used by the CLI when the chosen model is overloaded). ${RESTRICTED}` },
};
