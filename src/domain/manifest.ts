/**
 * Generates the parts of package.json that come from the stage and model tables
 * (settings schema, per-stage commands), so the manifest never holds a second copy of the
 * defaults. `npm run manifest` writes them; a unit test fails when package.json is stale.
 */
import { PERMISSION_MODES } from './cli';
import { BUILTIN_PRICES } from './cost';
import { BUILTIN_MODELS, CLI_ALIASES } from './models';
import { PLACEHOLDERS } from './prompt';
import { RESERVED_FLAGS } from './runSettings';
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
        enum: ['headless', 'interactive'],
        enumDescriptions: [
          'An extension-owned terminal runs `claude -p` and renders its stream; cost and model are recorded.',
          'The terminal runs the Claude Code TUI itself so you can talk to it.',
        ],
        default: 'headless',
        markdownDescription: 'How a stage runs in its terminal. "Run Stage…" can choose per run.',
      },
      'sdlcPipeline.claudePath': {
        order: 11,
        type: 'string',
        scope: 'machine',
        default: '',
        markdownDescription: 'Path of the Claude Code CLI executable. Empty: `claude` on PATH.',
      },
      'sdlcPipeline.permissionMode': {
        order: 12,
        type: 'string',
        enum: [...PERMISSION_MODES],
        default: 'acceptEdits',
        markdownDescription: 'The CLI\'s `--permission-mode`. Headless runs never prompt: tools that need permission are denied and reported.',
      },
      'sdlcPipeline.allowedTools': {
        order: 13,
        type: 'array',
        items: { type: 'string' },
        default: [],
        markdownDescription: 'Passed as `--allowedTools` (e.g. `Bash(npm test:*)`).',
      },
      'sdlcPipeline.extraArgs': {
        order: 14,
        type: 'array',
        items: { type: 'string' },
        default: [],
        markdownDescription: `Extra CLI arguments for every stage. Flags the extension sets (${RESERVED_FLAGS.map((f) => `\`${f}\``).join(', ')}) are refused, and the whole list is then ignored with a warning.`,
      },
      'sdlcPipeline.maxBudgetUsd': {
        order: 15,
        type: 'object',
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'number', exclusiveMinimum: 0 }, (label) => `Spending cap in USD for one headless ${label} run (--max-budget-usd).`),
        markdownDescription: 'Per-stage spending cap for headless runs, passed as `--max-budget-usd`. A run stopped by it ends as "budget exceeded".',
      },
      'sdlcPipeline.stagePrompts': {
        order: 16,
        type: 'object',
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'string' }, (label) => `Prompt template for the ${label} stage.`),
        markdownDescription: `Per-stage prompt templates. Placeholders: ${PLACEHOLDERS.map((p) => '`${' + p + '}`').join(', ')}. The ticket's text is always in the ticket file, never on the command line.`,
      },
      'sdlcPipeline.stageCommands': {
        order: 17,
        type: 'object',
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'string' }, (label) => `Custom slash command for the ${label} stage (from .claude/commands/<name>.md).`),
        markdownDescription: 'Per-stage custom slash command: the stage runs `/<name> <ticket file>` instead of its prompt template.',
      },
      'sdlcPipeline.ticketsDirectory': {
        order: 18,
        type: 'string',
        scope: 'resource',
        default: '.sdlc/tickets',
        markdownDescription: 'Folder (relative to the workspace folder) where each ticket\'s files live: `<id>/ticket.md`, `plan.md`, `questions.md`, `review.md`.',
      },
      'sdlcPipeline.prices': {
        order: 20,
        type: 'object',
        default: {},
        markdownDescription: `Price overrides in USD per million tokens, by model family (${Object.keys(BUILTIN_PRICES).map((f) => `\`${f}\``).join(', ')}) or model id: \`{ "input", "output", "cacheWrite", "cacheRead" }\`.`,
        additionalProperties: {
          type: 'object',
          required: ['input', 'output', 'cacheWrite', 'cacheRead'],
          properties: { input: { type: 'number' }, output: { type: 'number' }, cacheWrite: { type: 'number' }, cacheRead: { type: 'number' } },
        },
      },
      'sdlcPipeline.escalation': {
        order: 21,
        type: 'object',
        default: {},
        additionalProperties: false,
        properties: perStage({ type: 'array', items: { type: 'string' } }, (label) => `Models to try in order when the ${label} stage fails, e.g. ["haiku", "sonnet", "opus"].`),
        markdownDescription: 'Per-stage escalation chain used when a stage fails (see `#sdlcPipeline.escalationMode#`).',
      },
      'sdlcPipeline.escalationMode': {
        order: 22,
        type: 'string',
        enum: ['off', 'ask', 'auto'],
        enumDescriptions: ['Never escalate.', 'Offer "Retry with <next model>" when a stage fails.', 'Re-run a failed stage on the next model automatically.'],
        default: 'ask',
        markdownDescription: 'What happens when a stage with an escalation chain fails.',
      },
      'sdlcPipeline.fallbackModel': {
        order: 23,
        type: 'string',
        default: '',
        markdownDescription: 'Headless runs pass `--fallback-model` with this model (used by the CLI when the chosen model is overloaded).',
      },
    },
  };
}

export function stageCommandContributions() {
  return STAGES.map((s) => ({ command: stageCommandId(s.id), title: `Run ${s.label} Stage`, category: 'SDLC' }));
}
