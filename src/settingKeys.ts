/** Every setting key, in one place. Pure: no `vscode` import. */
export const SECTION = 'sdlcPipeline';

export const SETTINGS = {
  defaultModels: 'defaultModels',
  defaultStages: 'defaultStages',
  customModels: 'customModels',
  presets: 'presets',
  runMode: 'runMode',
  projectClaudeSettings: 'projectClaudeSettings',
  claudePath: 'claudePath',
  permissionMode: 'permissionMode',
  allowedTools: 'allowedTools',
  extraArgs: 'extraArgs',
  maxBudgetUsd: 'maxBudgetUsd',
  maxTicketBudgetUsd: 'maxTicketBudgetUsd',
  stagePrompts: 'stagePrompts',
  stageCommands: 'stageCommands',
  ticketsDirectory: 'ticketsDirectory',
  prices: 'prices',
  escalation: 'escalation',
  escalationMode: 'escalationMode',
  fallbackModel: 'fallbackModel',
} as const;

export type SettingKey = (typeof SETTINGS)[keyof typeof SETTINGS];
export const fullKey = (k: SettingKey) => `${SECTION}.${k}`;
