import * as assert from 'node:assert';
import { headlessArgs, interactiveArgs } from '../../src/domain/cli';
import { planRun } from '../../src/domain/planRun';
import { ticketPaths } from '../../src/domain/prompt';
import { parseRunSettings, RUN_DEFAULTS } from '../../src/domain/runSettings';
import { resolveEffort, resolveSubagentModel } from '../../src/domain/settings';

describe('per-stage sub-agent model and effort', () => {
  it('sub-agent model: ticket > settings > built-in (plan → haiku) > none', () => {
    assert.deepStrictEqual(resolveSubagentModel('plan', {}), { model: 'haiku', source: 'default' });
    assert.deepStrictEqual(resolveSubagentModel('build', {}), { source: 'default' });
    assert.deepStrictEqual(resolveSubagentModel('plan', { plan: 'sonnet' }), { model: 'sonnet', source: 'settings' });
    assert.deepStrictEqual(resolveSubagentModel('plan', { plan: 'sonnet' }, 'opus'), { model: 'opus', source: 'ticket' });
  });

  it('effort: ticket > settings > none', () => {
    assert.deepStrictEqual(resolveEffort('plan', {}), { source: 'default' });
    assert.deepStrictEqual(resolveEffort('plan', { plan: 'low' }), { effort: 'low', source: 'settings' });
    assert.deepStrictEqual(resolveEffort('plan', { plan: 'low' }, 'max'), { effort: 'max', source: 'ticket' });
  });

  it('--effort goes on both command lines, and beats an --effort in extraArgs', () => {
    const base = { model: 'opus', prompt: 'p', sessionId: '11111111-2222-4333-8444-555555555555', extraArgs: ['--effort', 'low', '--max-turns', '3', '--effort=medium'] };
    for (const args of [headlessArgs({ ...base, effort: 'max' }), interactiveArgs({ ...base, effort: 'max' })]) {
      assert.deepStrictEqual(args.filter((a) => a.startsWith('--effort') || a === 'low' || a === 'max'), ['--effort', 'max']);
      assert.ok(args.includes('--max-turns'));
      assert.ok(args.indexOf('--effort') < args.indexOf('--'));
    }
    // Without a stage effort, extraArgs' own stays.
    assert.ok(headlessArgs(base).includes('low'));
  });

  it('planRun hands the sub-agent model to the child through its environment, never the command line', () => {
    const plan = planRun({
      ticketId: 1, stage: 'plan', mode: 'headless', model: 'opus', sessionId: '11111111-2222-4333-8444-555555555555', paths: ticketPaths('.sdlc/tickets', 1),
      workspaceFolder: '/w', systemPromptFile: '/s.md', settings: RUN_DEFAULTS, spentUsd: 0, settingArgs: [], subagentModel: 'haiku', effort: 'high',
    });
    assert.ok(plan.ok);
    assert.deepStrictEqual(plan.ok && plan.env, { CLAUDE_CODE_SUBAGENT_MODEL: 'haiku' });
    assert.ok(plan.ok && !plan.args.includes('haiku'));
    assert.ok(plan.ok && plan.args.join(' ').includes('--effort high'));
  });

  it('settings: an invalid sub-agent model or effort is reported and ignored', () => {
    const p = parseRunSettings({ defaultSubagentModels: { user: { plan: '--evil', build: 'sonnet' } }, defaultEfforts: { user: { plan: 'extreme', build: 'max' } } }, { trusted: true });
    assert.deepStrictEqual(p.settings.defaultSubagentModels, { build: 'sonnet' });
    assert.deepStrictEqual(p.settings.defaultEfforts, { build: 'max' });
    assert.strictEqual(p.problems.length, 2, p.problems.join('\n'));
  });
});
