import * as assert from 'node:assert';
import { headlessArgs, interactiveArgs } from '../../src/domain/cli';
import { expandTemplate, stagePrompt, systemPromptFile, ticketPaths, unknownPlaceholders } from '../../src/domain/prompt';
import { parseRunSettings } from '../../src/domain/runSettings';
import { STAGE_IDS } from '../../src/domain/stages';
import { newTicket } from '../../src/domain/ticket';

const evil = 'Fix $(touch /tmp/sdlc-pwned) `id`; "quoted" \'single\'\nnext line';

describe('CLI arguments', () => {
  const base = { model: 'opus', prompt: 'Do the plan', sessionId: 'u-1', allowedTools: ['Read', 'Bash(npm test:*)'], addDirs: ['/x'] };
  it('always passes --model and ends with -- <prompt> (variadic flags cannot swallow it)', () => {
    const a = headlessArgs(base);
    assert.deepStrictEqual(a.slice(0, 3), ['-p', '--model', 'opus']);
    assert.deepStrictEqual(a.slice(-2), ['--', 'Do the plan']);
    assert.ok(a.includes('stream-json') && a.includes('--verbose'));
    const i = interactiveArgs(base);
    assert.deepStrictEqual(i.slice(0, 2), ['--model', 'opus']);
    assert.deepStrictEqual(i.slice(-2), ['--', 'Do the plan']);
    assert.ok(!i.includes('-p'));
  });
  it('adds budget and fallback only when set', () => {
    assert.ok(!headlessArgs(base).includes('--max-budget-usd'));
    const a = headlessArgs({ ...base, maxBudgetUsd: 0.5, fallbackModel: 'sonnet' });
    assert.deepStrictEqual(a.slice(a.indexOf('--max-budget-usd'), a.indexOf('--max-budget-usd') + 2), ['--max-budget-usd', '0.5']);
    assert.ok(a.includes('--fallback-model'));
  });
  it('refuses extraArgs that would override the extension\'s flags', () => {
    const r = parseRunSettings({ extraArgs: { user: ['--model', 'haiku'] } }, { trusted: true });
    assert.deepStrictEqual(r.settings.extraArgs, []);
    assert.match(r.problems[0], /cannot be overridden/);
    assert.deepStrictEqual(parseRunSettings({ extraArgs: { user: ['--max-turns', '5'] } }, { trusted: true }).settings.extraArgs, ['--max-turns', '5']);
  });
});

describe('prompts', () => {
  const ticket = newTicket(12, { title: evil, description: evil, type: 'bug', stages: {} });
  const paths = ticketPaths('.sdlc/tickets', 12);
  const vars = { ticketId: '12', stage: 'plan', ticketFile: paths.ticketFile, planFile: paths.planFile, questionsFile: paths.questionsFile, reviewFile: paths.reviewFile, workspaceFolder: '/ws' };
  it('every stage\'s default prompt points at the ticket file and never contains the ticket text', () => {
    for (const s of STAGE_IDS) {
      const p = stagePrompt(s, { ...vars, stage: s });
      assert.ok(p.includes('.sdlc/tickets/12/ticket.md'), s);
      assert.ok(!p.includes('touch') && !p.includes('rm -rf') && !p.includes(ticket.title), `${s}: ${p}`);
    }
    assert.ok(stagePrompt('plan', vars).includes('.sdlc/tickets/12/plan.md'));
  });
  it('a template cannot pull the title onto the command line: ${title} is not a placeholder', () => {
    assert.deepStrictEqual(unknownPlaceholders('Fix ${title} in ${ticketFile}'), ['title']);
    assert.strictEqual(stagePrompt('plan', vars, 'Fix ${title}'), 'Fix ${title}');
  });
  it('the ticket text goes, verbatim, into the system-prompt file', () => {
    const f = systemPromptFile(ticket, 'plan', paths);
    assert.ok(f.startsWith('SDLC Pipeline · ticket #12 · stage plan'));
    assert.ok(f.includes(evil));
  });
  it('expands known placeholders and reports unknown ones', () => {
    assert.strictEqual(expandTemplate('#${ticketId} ${nope} ${stage}', vars), '#12 ${nope} plan');
    assert.deepStrictEqual(unknownPlaceholders('${ticketId} ${nope}'), ['nope']);
  });
});
