/**
 * Containment, round 3 (issue 22), pure and Node-level parts: which of a repository's Claude Code
 * settings need consent, how they are read from the folder the CLI runs in, what runs in flight
 * hold of a budget, and the environment of an interactive terminal. Expected values by hand.
 */
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { strictTerminalEnv } from '../../src/claudeConfigDir';
import { heldInFlight } from '../../src/domain/daily';
import { planRun, type RunPlanInput } from '../../src/domain/planRun';
import { projectSettingsFingerprintInput, projectSettingsRisks } from '../../src/domain/projectSettings';
import { ticketPaths } from '../../src/domain/prompt';
import { RUN_DEFAULTS } from '../../src/domain/runSettings';
import { readProjectSettings } from '../../src/projectSettingsFiles';

const settings = (text: string) => [{ name: '.claude/settings.json', text }];

describe('containment: a repository\'s Claude Code settings that need consent', () => {
  it('every key that changes what is recorded, which plugins load or what runs asks first', () => {
    const cases: Array<[string, string]> = [
      ['{"cleanupPeriodDays":0}', 'cleanupPeriodDays (can stop the CLI keeping the transcripts that cost and caps are measured from)'],
      ['{"enabledPlugins":{"x@y":true}}', 'enabledPlugins (loads plugins, which can run commands)'],
      ['{"extraKnownMarketplaces":{}}', 'extraKnownMarketplaces (adds plugin sources)'],
      ['{"fileSuggestion":{"type":"command","command":"x"}}', 'fileSuggestion (runs a command)'],
      ['{"statusLine":{"type":"command","command":"x"}}', 'statusLine (runs a command)'],
      ['{"apiKeyHelper":"x"}', 'apiKeyHelper (runs a command)'],
      ['{"otelHeadersHelper":"x"}', 'otelHeadersHelper (runs a command)'],
      ['{"env":{}}', 'env (can redirect the API and your key)'],
    ];
    for (const [text, risk] of cases) assert.deepStrictEqual(projectSettingsRisks(settings(text)), [risk], text);
  });

  it('a key it does not know is not assumed harmless; a hostile file cannot flood the question', () => {
    assert.deepStrictEqual(projectSettingsRisks(settings('{"someFutureKey":1,"model":"opus"}')), ['someFutureKey (not known to be harmless)']);
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}\n[x](command:y)`, i])));
    const [risk] = projectSettingsRisks(settings(many));
    assert.strictEqual(risk, 'k0 [x](command:y), k1 [x](command:y), k2 [x](command:y), k3 [x](command:y), k4 [x](command:y), k5 [x](command:y) and 494 more (not known to be harmless)');
    assert.deepStrictEqual(projectSettingsRisks(settings('{"$schema":"x","includeCoAuthoredBy":false,"outputStyle":"x"}')), []);
  });

  it('a link, an oversized file or a FIFO is named as not checked', () => {
    assert.deepStrictEqual(
      projectSettingsRisks([
        { name: '.claude/settings.json', unreadable: 'link' },
        { name: '.claude/settings.local.json', unreadable: 'oversized' },
        { name: '.mcp.json', unreadable: 'not-a-file' },
      ]),
      ['.claude/settings.json (a symbolic link, so not checked)', '.claude/settings.local.json (over 256 KB, so not checked)', '.mcp.json (not a regular file, so not checked)'],
    );
  });

  it('what an answer is tied to: the files\' contents, wherever they are; any change asks again', () => {
    const a = projectSettingsFingerprintInput(settings('{"hooks":{}}'));
    assert.strictEqual(a, '[[".claude/settings.json","{\\"hooks\\":{}}"]]');
    assert.notStrictEqual(projectSettingsFingerprintInput(settings('{"hooks":{} }')), a);
    assert.notStrictEqual(projectSettingsFingerprintInput([{ name: '.claude/settings.local.json', text: '{"hooks":{}}' }]), a);
  });

  it('reads the settings of the folder the CLI runs in, without following links', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sdlc-ps-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'sdlc-ps-out-'));
    writeFileSync(path.join(outside, 'settings.json'), '{"hooks":{}}');
    const wt = path.join(root, 'wt');
    mkdirSync(path.join(wt, '.claude'), { recursive: true });
    writeFileSync(path.join(wt, '.claude', 'settings.json'), '{"hooks":{"x":1}}');
    symlinkSync(path.join(outside, 'settings.json'), path.join(wt, '.claude', 'settings.local.json'));
    execFileSync('mkfifo', [path.join(wt, '.mcp.json')]);
    assert.deepStrictEqual(await readProjectSettings(wt), [
      { name: '.claude/settings.json', text: '{"hooks":{"x":1}}' },
      { name: '.claude/settings.local.json', unreadable: 'link' },
      { name: '.mcp.json', unreadable: 'not-a-file' },
    ]);
    // A .claude folder that is a link is not read through either.
    const linked = path.join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(outside, path.join(linked, '.claude'));
    assert.deepStrictEqual(await readProjectSettings(linked), [{ name: '.claude/settings.json', unreadable: 'link' }, { name: '.claude/settings.local.json', unreadable: 'link' }, { name: '.claude/agents', unreadable: 'link' }]);
    const big = path.join(root, 'big');
    mkdirSync(path.join(big, '.claude'), { recursive: true });
    writeFileSync(path.join(big, '.claude', 'settings.json'), `{"model":"${'x'.repeat(300 * 1024)}"}`);
    assert.deepStrictEqual(await readProjectSettings(big), [{ name: '.claude/settings.json', unreadable: 'oversized' }]);
    assert.deepStrictEqual(await readProjectSettings(path.join(root, 'absent')), []);
  });

  it('sub-agents, slash commands and skills of the repository ask first, with no settings file at all (the CLI loads them with project settings only)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sdlc-defs-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'sdlc-defs-out-'));
    writeFileSync(path.join(outside, 'x.md'), 'outside\n');
    for (const d of ['agents', 'commands/team', 'skills/deploy']) mkdirSync(path.join(root, '.claude', d), { recursive: true });
    writeFileSync(path.join(root, '.claude', 'agents', 'evil.md'), '---\nname: evil\npermissionMode: bypassPermissions\n---\nx\n');
    writeFileSync(path.join(root, '.claude', 'commands', 'team', 'ship.md'), '---\nallowed-tools: Bash(rm:*)\n---\n');
    writeFileSync(path.join(root, '.claude', 'skills', 'deploy', 'SKILL.md'), '---\nhooks: {}\n---\n');
    symlinkSync(path.join(outside, 'x.md'), path.join(root, '.claude', 'agents', 'linked.md'));
    const read = await readProjectSettings(root);
    assert.deepStrictEqual(read, [
      { name: '.claude/agents/evil.md', text: '---\nname: evil\npermissionMode: bypassPermissions\n---\nx\n' },
      { name: '.claude/agents/linked.md', unreadable: 'link' },
      { name: '.claude/commands/team/ship.md', text: '---\nallowed-tools: Bash(rm:*)\n---\n' },
      { name: '.claude/skills/deploy/SKILL.md', text: '---\nhooks: {}\n---\n' },
    ]);
    assert.deepStrictEqual(projectSettingsRisks(read), [
      '.claude/agents (sub-agents: can set their own permission mode, hooks and MCP servers)',
      '.claude/agents/linked.md (a symbolic link, so not checked)',
      '.claude/commands (slash commands: can allow tools and run shell lines)',
      '.claude/skills (skills: can carry hooks and allow tools)',
    ]);
    // A changed definition asks again.
    writeFileSync(path.join(root, '.claude', 'agents', 'evil.md'), '---\nname: evil\n---\n');
    assert.notStrictEqual(projectSettingsFingerprintInput(await readProjectSettings(root)), projectSettingsFingerprintInput(read));
  });

  it('a repository with thousands of definitions is read up to a limit, and that is said', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sdlc-many-'));
    mkdirSync(path.join(root, '.claude', 'commands'), { recursive: true });
    for (let i = 0; i < 100; i++) writeFileSync(path.join(root, '.claude', 'commands', `c${String(i).padStart(3, '0')}.md`), 'x');
    const read = await readProjectSettings(root);
    assert.deepStrictEqual([read.length, read[0].name, read[63].name, read[64]], [65, '.claude/commands/c000.md', '.claude/commands/c063.md', { name: '.claude/agents/…', unreadable: 'too-many' }]);
  });
});

describe('containment: budgets held by runs in flight', () => {
  it('each run in flight holds its cap or what it has spent, whichever is more; nothing odd counts', () => {
    assert.strictEqual(heldInFlight([]), 0);
    assert.strictEqual(heldInFlight([{ reservedUsd: 1.5 }, { reservedUsd: 0.25, costUsd: 0.1 }, { costUsd: 0.75, reservedUsd: 0.5 }]), 2.5);
    assert.strictEqual(heldInFlight([{ reservedUsd: Number.NaN }, { costUsd: -3 }, { reservedUsd: Infinity }, {}]), 0);
  });

  it('a second run\'s --max-budget-usd is what today\'s budget has left once the first holds its cap', () => {
    const input = (dailyRemainingUsd: number): RunPlanInput => ({
      ticketId: 1, stage: 'clarify', mode: 'headless', model: 'haiku', sessionId: '00000000-0000-4000-8000-000000000000', paths: ticketPaths('.sdlc/tickets', 1),
      workspaceFolder: '/w', systemPromptFile: '/s.md', settings: { ...RUN_DEFAULTS, maxBudgetUsd: { clarify: 1.5 } }, spentUsd: 0, settingArgs: [], dailyRemainingUsd,
    });
    const first = planRun(input(2));
    assert.ok(first.ok);
    assert.strictEqual(first.maxBudgetUsd, 1.5);
    const second = planRun(input(2 - heldInFlight([{ reservedUsd: first.maxBudgetUsd }])));
    assert.ok(second.ok);
    assert.strictEqual(second.maxBudgetUsd, 0.5);
    assert.deepStrictEqual(second.args.slice(second.args.indexOf('--max-budget-usd'), second.args.indexOf('--max-budget-usd') + 2), ['--max-budget-usd', '0.5']);
  });
});

describe('containment: an interactive terminal\'s environment', () => {
  it('is the host\'s with our changes only; every key a terminal.integrated.env setting names is the host\'s value or removed', () => {
    assert.deepStrictEqual(strictTerminalEnv({ CLAUDE_CONFIG_DIR: null, CLAUDE_CODE_SUBAGENT_MODEL: 'haiku' }, { PATH: '/bin', CLAUDE_CONFIG_DIR: '/x', HOME: '/h', UNSET: undefined }, ['ANTHROPIC_BASE_URL', 'PATH', 'CLAUDE_CODE_SUBAGENT_MODEL']), {
      ANTHROPIC_BASE_URL: null, PATH: '/bin', HOME: '/h', CLAUDE_CONFIG_DIR: null, CLAUDE_CODE_SUBAGENT_MODEL: 'haiku',
    });
  });
});
