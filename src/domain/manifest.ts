/**
 * Generates the parts of package.json that come from the stage and model tables
 * (settings schema, per-stage commands), so the manifest never holds a second copy of the
 * defaults. `npm run manifest` writes them; a unit test fails when package.json is stale.
 */
import { PERMISSION_MODES } from './cli';
import { BUILTIN_PRICES, MAX_PRICE_PER_MTOK } from './cost';
import { BUILTIN_MODELS, CLI_ALIASES } from './models';
import { PLACEHOLDERS } from './prompt';
import { EXTRA_ARGS_ALLOWLIST, PERMISSIVENESS, PROJECT_CLAUDE_SETTINGS, RESERVED_FLAGS, RESTRICTED_SETTINGS, RUN_SETTING_SCOPES, USER_ONLY_PERMISSION_MODES, WORKSPACE_PERMISSION_MODES, type AllowedFlag } from './runSettings';
import { BUILTIN_PRESETS } from './settings';
import { stageCommandId, STAGES, STAGE_IDS } from './stages';

const modelValue = {
  type: 'string',
  anyOf: [
    { enum: BUILTIN_MODELS.map((m) => m.id), enumDescriptions: BUILTIN_MODELS.map((m) => `${m.description} (${m.relativeCost}× haiku)`) },
    { type: 'string', pattern: '^\\S+$', patternErrorMessage: 'A model alias, a custom model, or a full model id (no spaces).' },
  ],
};

const perStage = (value: object, describe: (label: string, id: string) => string) =>
  Object.fromEntries(STAGES.map((s) => [s.id, { ...value, description: describe(s.label, s.id) }]));

const RESTRICTED = 'In an untrusted workspace only user settings are read.';
const LOWEST_WINS = 'The lowest value across user, workspace and folder settings applies: a workspace can lower the cap, never raise or remove it.';
const USER_ONLY = 'Read from user settings only: a workspace cannot choose the executable.';
const flagDoc = (f: AllowedFlag) => [f.flag, ...(f.aliases ?? [])].map((n) => `\`${n}${f.hint ? ` ${f.hint}` : ''}\``).join(' or ') + ` (${f.why})`;

export function configurationContribution() {
  return {
    title: 'SDLC Pipeline',
    properties: {
      'sdlcPipeline.defaultModels': {
        order: 1,
        type: 'object',
        scope: 'resource',
        markdownDescription:
          'Default model per stage for new tickets. A ticket\'s own choice beats this setting; folder settings beat workspace settings, which beat user settings, which beat the built-in defaults (' +
          STAGES.map((s) => `${s.id} \`${s.defaultModel}\``).join(', ') +
          '). A value is a model alias the Claude Code CLI knows, a model from `#sdlcPipeline.customModels#`, or a full model id; an invalid value is reported and that stage falls back to its built-in default.',
        default: {},
        additionalProperties: false,
        properties: perStage(modelValue, (label, id) => `Model for the ${label} stage (built-in: ${STAGES.find((s) => s.id === id)!.defaultModel}).`),
      },
      'sdlcPipeline.defaultStages': {
        order: 2,
        type: 'array',
        scope: 'resource',
        markdownDescription: 'Stages selected in a new ticket form.',
        items: { type: 'string', enum: [...STAGE_IDS] },
        uniqueItems: true,
        default: [...STAGE_IDS],
      },
      'sdlcPipeline.customModels': {
        order: 3,
        type: 'array',
        scope: 'resource',
        markdownDescription: `Extra models offered in every model picker: aliases the CLI knows (${CLI_ALIASES.filter((a) => !BUILTIN_MODELS.some((m) => m.id === a)).map((a) => `\`${a}\``).join(', ')}), full model ids, or Bedrock/Vertex ids.`,
        items: { type: 'string' },
        uniqueItems: true,
        default: [],
      },
      'sdlcPipeline.presets': {
        order: 4,
        type: 'object',
        scope: 'resource',
        markdownDescription: `Named presets (preset name → { stage: model }) offered in the form beside the built-in ${BUILTIN_PRESETS.map((p) => `"${p.name}"`).join(', ')}. A preset with a built-in's name replaces it.`,
        additionalProperties: { type: 'object', properties: perStage(modelValue, (label) => `Model for the ${label} stage.`), additionalProperties: false },
        default: {},
      },
      'sdlcPipeline.runMode': {
        order: 10,
        type: 'string',
        scope: RUN_SETTING_SCOPES.runMode,
        enum: ['headless', 'interactive'],
        enumDescriptions: [
          'An extension-owned terminal runs `claude -p` and renders its stream; cost and model are recorded.',
          'The terminal runs the Claude Code TUI itself so you can talk to it.',
        ],
        default: 'headless',
        markdownDescription: 'How a stage runs in its terminal. "Run Stage…" can choose per run. Read from user settings only: interactive runs have no `--max-budget-usd` and record no cost, so a repository cannot switch to them.',
      },
      'sdlcPipeline.projectClaudeSettings': {
        order: 10.5,
        type: 'string',
        scope: RUN_SETTING_SCOPES.projectClaudeSettings,
        enum: [...PROJECT_CLAUDE_SETTINGS],
        enumDescriptions: [
          'The first run in a repository whose `.claude/settings.json`, `.claude/settings.local.json` or `.mcp.json` defines hooks, permissions, env or MCP servers asks whether to use them; the answer is remembered for this workspace until those files change.',
          'The CLI uses the repository\'s Claude Code settings, as when you run `claude` there yourself: its hooks run commands and its permissions apply.',
          'Stages run with `--setting-sources user --strict-mcp-config`: the repository\'s hooks, permissions, env and MCP servers are ignored (so is its CLAUDE.md).',
        ],
        default: 'ask',
        markdownDescription: 'Whether stages use the repository\'s own Claude Code settings (`.claude/settings.json`: hooks run commands, permissions widen what the agent may do, env can redirect the API). Read from user settings only.',
      },
      'sdlcPipeline.claudePath': {
        order: 11,
        type: 'string',
        scope: RUN_SETTING_SCOPES.claudePath,
        default: '',
        markdownDescription: `Path of the Claude Code CLI executable. Empty: \`claude\` on PATH. ${USER_ONLY}`,
      },
      'sdlcPipeline.permissionMode': {
        order: 12,
        type: 'string',
        scope: RUN_SETTING_SCOPES.permissionMode,
        enum: [...PERMISSION_MODES],
        default: 'acceptEdits',
        markdownDescription: `The CLI's \`--permission-mode\`. Headless runs never prompt: tools that need permission are denied and reported. Workspace and folder settings may choose ${WORKSPACE_PERMISSION_MODES.map((m) => `\`${m}\``).join(', ')}; ${USER_ONLY_PERMISSION_MODES.map((m) => `\`${m}\``).join(' and ')} are honoured only from user settings (elsewhere they are reported and ignored), and the first run with \`bypassPermissions\` asks for confirmation. A workspace or folder value may only narrow the user's mode (${Object.entries(PERMISSIVENESS).sort((a, b) => a[1] - b[1]).map(([m]) => `\`${m}\``).join(' < ')}); a wider one is ignored. ${RESTRICTED}`,
      },
      'sdlcPipeline.allowedTools': {
        order: 13,
        type: 'array',
        scope: RUN_SETTING_SCOPES.allowedTools,
        items: { type: 'string', pattern: '^[^-]', patternErrorMessage: 'A tool rule such as Bash(npm test:*); it may not start with "-".' },
        default: [],
        markdownDescription: `Passed as \`--allowedTools\` (e.g. \`Bash(npm test:*)\`). An entry starting with \`-\` would be read as a CLI flag: the list is then ignored with a warning. A workspace or folder list may only name tools your user list allows (it can narrow, never widen); the most specific valid list wins. ${RESTRICTED}`,
      },
      'sdlcPipeline.extraArgs': {
        order: 14,
        type: 'array',
        scope: RUN_SETTING_SCOPES.extraArgs,
        items: { type: 'string' },
        default: [],
        markdownDescription: `Extra CLI arguments for every stage, from an allowlist: ${EXTRA_ARGS_ALLOWLIST.map(flagDoc).join('; ')}. A value may also be written \`--flag=value\`. Anything else — another flag, a short flag or bundle such as \`-pc\`, a positional argument, or a flag the extension sets (${RESERVED_FLAGS.map((f) => `\`${f}\``).join(', ')}) — is refused with a warning naming it, and the whole list is then ignored. Read from user settings only: a repository can neither add flags nor drop yours.`,
      },
      'sdlcPipeline.maxBudgetUsd': {
        order: 15,
        type: 'object',
        scope: RUN_SETTING_SCOPES.maxBudgetUsd,
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'number', exclusiveMinimum: 0 }, (label) => `Spending cap in USD for one headless ${label} run (--max-budget-usd). The lowest value across user, workspace and folder settings applies.`),
        markdownDescription: `Per-stage spending cap for headless runs, passed as \`--max-budget-usd\`. A run stopped by it ends as "budget exceeded". ${LOWEST_WINS} ${RESTRICTED}`,
      },
      'sdlcPipeline.maxTicketBudgetUsd': {
        order: 16,
        type: ['number', 'null'],
        scope: RUN_SETTING_SCOPES.maxTicketBudgetUsd,
        exclusiveMinimum: 0,
        default: null,
        markdownDescription: `Whole-ticket spending cap in USD: once a ticket's recorded spend across its stages and escalations reaches it, the pipeline and its escalations stop, and each run's \`--max-budget-usd\` is at most what is left. Unset: no ticket cap. ${LOWEST_WINS} ${RESTRICTED}`,
      },
      'sdlcPipeline.stagePrompts': {
        order: 17,
        type: 'object',
        scope: RUN_SETTING_SCOPES.stagePrompts,
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'string' }, (label) => `Prompt template for the ${label} stage.`),
        markdownDescription: `Per-stage prompt templates. Placeholders: ${PLACEHOLDERS.map((p) => '`${' + p + '}`').join(', ')}. The ticket's text (title and description) is always in the ticket file, never on the command line, so there is no \`\${title}\` placeholder. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
      },
      'sdlcPipeline.stageCommands': {
        order: 18,
        type: 'object',
        scope: RUN_SETTING_SCOPES.stageCommands,
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'string' }, (label) => `Custom slash command for the ${label} stage (from .claude/commands/<name>.md).`),
        markdownDescription: `Per-stage custom slash command: the stage runs \`/<name> <ticket file>\` instead of its prompt template. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
      },
      'sdlcPipeline.ticketsDirectory': {
        order: 19,
        type: 'string',
        scope: RUN_SETTING_SCOPES.ticketsDirectory,
        default: '.sdlc/tickets',
        markdownDescription: 'Folder (relative to the workspace folder) where each ticket\'s files live: `<id>/ticket.md`, `plan.md`, `questions.md`, `review.md`.',
      },
      'sdlcPipeline.prices': {
        order: 20,
        type: 'object',
        scope: RUN_SETTING_SCOPES.prices,
        default: {},
        markdownDescription: `Price overrides in USD per million tokens, by model family (${Object.keys(BUILTIN_PRICES).map((f) => `\`${f}\``).join(', ')}) or model id: \`{ "input", "output", "cacheWrite", "cacheRead" }\`, each from 0 to ${MAX_PRICE_PER_MTOK}; an invalid entry is reported and the built-in price applies. Read from user settings only: prices are about your account, not the project, so a repository cannot make estimates look cheaper.`,
        additionalProperties: {
          type: 'object',
          required: ['input', 'output', 'cacheWrite', 'cacheRead'],
          properties: Object.fromEntries(['input', 'output', 'cacheWrite', 'cacheRead'].map((k) => [k, { type: 'number', minimum: 0, maximum: MAX_PRICE_PER_MTOK }])),
        },
      },
      'sdlcPipeline.escalation': {
        order: 21,
        type: 'object',
        scope: RUN_SETTING_SCOPES.escalation,
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'array', items: { type: 'string' }, uniqueItems: true }, (label) => `Models to try in order when the ${label} stage fails, e.g. ["haiku", "sonnet", "opus"]. Each model at most once.`),
        markdownDescription: `Per-stage escalation chain used when a stage fails (see \`#sdlcPipeline.escalationMode#\`): after a failure on a model, the models after it in the chain are tried in order. A chain that names a model twice is reported and ignored. For each stage the most specific scope that sets it wins. ${RESTRICTED}`,
      },
      'sdlcPipeline.escalationMode': {
        order: 22,
        type: 'string',
        scope: RUN_SETTING_SCOPES.escalationMode,
        enum: ['off', 'ask', 'auto'],
        enumDescriptions: ['Never escalate.', 'Offer "Retry with <next model>" when a stage fails.', 'Re-run a failed stage on the next model automatically.'],
        default: 'ask',
        markdownDescription: `What happens when a stage with an escalation chain fails. \`auto\` spends without asking, so it is honoured only from user settings. ${RESTRICTED}`,
      },
      'sdlcPipeline.fallbackModel': {
        order: 23,
        type: 'string',
        scope: RUN_SETTING_SCOPES.fallbackModel,
        default: '',
        markdownDescription: `Headless runs pass \`--fallback-model\` with this model (used by the CLI when the chosen model is overloaded). ${RESTRICTED}`,
      },
    },
  };
}

/** package.json `capabilities.untrustedWorkspaces.restrictedConfigurations`. */
export function restrictedConfigurations(): string[] {
  return RESTRICTED_SETTINGS.map((k) => `sdlcPipeline.${k}`);
}

export function stageCommandContributions() {
  return STAGES.map((s) => ({ command: stageCommandId(s.id), title: `Run ${s.label} Stage`, category: 'SDLC' }));
}
