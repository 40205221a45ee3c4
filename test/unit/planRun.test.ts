import * as assert from 'node:assert';
import { planRun, type RunPlanInput } from '../../src/domain/planRun';
import { ticketPaths } from '../../src/domain/prompt';

const base = (over: Partial<RunPlanInput> = {}, settings: Partial<RunPlanInput['settings']> = {}): RunPlanInput => ({
  ticketId: 7, stage: 'plan', mode: 'headless', model: 'opus', sessionId: '6f9619ff-8b86-4d11-b42d-00c04fc964ff',
  paths: ticketPaths('.sdlc/tickets', 7), workspaceFolder: '/ws', systemPromptFile: '/store/runs/r/system.md',
  settings: { stageCommands: {}, stagePrompts: {}, permissionMode: 'acceptEdits', allowedTools: [], extraArgs: [], maxBudgetUsd: {}, ...settings },
  spentUsd: 0, settingArgs: [], platform: 'linux', ...over,
});

describe('planRun (pure): what a stage run\'s command line is made of', () => {
  it('headless: model, stream-json, session, permission mode, system-prompt file, then -- and the prompt naming the files', () => {
    const p = planRun(base());
    assert.ok(p.ok);
    assert.deepStrictEqual(p.args, [
      '-p', '--model', 'opus', '--output-format', 'stream-json', '--verbose', '--session-id', '6f9619ff-8b86-4d11-b42d-00c04fc964ff',
      '--permission-mode', 'acceptEdits', '--append-system-prompt-file', '/store/runs/r/system.md', '--', p.prompt,
    ]);
    assert.match(p.prompt, /^You are the Plan stage of ticket #7\. Read the ticket in \.sdlc\/tickets\/7\/ticket\.md/);
    assert.strictEqual(p.maxBudgetUsd, undefined);
  });

  it('interactive: no -p, no stream-json, no budget flag', () => {
    const p = planRun(base({ mode: 'interactive' }, { maxBudgetUsd: { plan: 2 } }));
    assert.ok(p.ok);
    assert.deepStrictEqual(p.args.slice(0, 4), ['--model', 'opus', '--session-id', '6f9619ff-8b86-4d11-b42d-00c04fc964ff']);
    assert.ok(!p.args.includes('-p') && !p.args.includes('--max-budget-usd'));
  });

  it('budget: the stage cap, or what is left of the ticket cap, whichever is lower', () => {
    const at = (stage?: number, ticket?: number, spent = 0) => {
      const p = planRun(base({ spentUsd: spent }, { maxBudgetUsd: stage === undefined ? {} : { plan: stage }, maxTicketBudgetUsd: ticket }));
      return p.ok ? [p.maxBudgetUsd, p.args[p.args.indexOf('--max-budget-usd') + 1]] : p.reason;
    };
    assert.deepStrictEqual(at(2), [2, '2']);
    assert.deepStrictEqual(at(undefined, 5, 1.5), [3.5, '3.5']);
    assert.deepStrictEqual(at(2, 5, 4), [1, '1']);
    assert.deepStrictEqual(at(2, 5, 0), [2, '2']);
    assert.strictEqual(at(2, 5, 5), 'ticket-cap');
    assert.strictEqual(at(undefined, 1, 3), 'ticket-cap');
  });

  it('a slash command replaces the prompt; a template expands only known placeholders', () => {
    const slash = planRun(base({}, { stageCommands: { plan: 'plan-ticket' } }));
    assert.ok(slash.ok && slash.prompt === '/plan-ticket .sdlc/tickets/7/ticket.md');
    const tpl = planRun(base({}, { stagePrompts: { plan: 'Plan #${ticketId} from ${ticketFile} in ${workspaceFolder}; ${title}' } }));
    assert.ok(tpl.ok && tpl.prompt === 'Plan #7 from .sdlc/tickets/7/ticket.md in /ws; ${title}');
  });

  it('project-settings flags, tools and extra args come before --, the prompt is always last', () => {
    const p = planRun(base({ settingArgs: ['--setting-sources', 'user', '--strict-mcp-config'] }, { allowedTools: ['Read', 'Bash(npm test:*)'], extraArgs: ['--max-turns', '4'], fallbackModel: 'sonnet' }));
    assert.ok(p.ok);
    const dash = p.args.indexOf('--');
    assert.strictEqual(dash, p.args.length - 2);
    for (const a of ['--setting-sources', '--allowedTools', 'Bash(npm test:*)', '--max-turns', '--fallback-model']) assert.ok(p.args.indexOf(a) < dash, a);
  });

  it('on Windows, an interactive argv with a quote is refused (a terminal could split it); headless is fine', () => {
    const quoted = { stagePrompts: { plan: 'Say "hi" to ${ticketFile}' } };
    assert.deepStrictEqual(planRun(base({ mode: 'interactive', platform: 'win32' }, quoted)), { ok: false, reason: 'unsafe-arg', arg: 'Say "hi" to .sdlc/tickets/7/ticket.md' });
    assert.ok(planRun(base({ mode: 'headless', platform: 'win32' }, quoted)).ok);
    assert.ok(planRun(base({ mode: 'interactive', platform: 'linux' }, quoted)).ok);
  });
});
