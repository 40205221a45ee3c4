/**
 * The walkthrough's steps complete on the real events: the context keys its completionEvents name
 * turn on when a ticket exists, when a run was recorded (the CLI was found and launched), and when
 * a run has a cost; "Find Claude Code" finds the configured CLI.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { FIRST_STEP_KEYS } from '../../src/firstSteps';
import { api, draft } from './helpers';

describe('the Get Started walkthrough (real extension host)', () => {
  it('package.json\'s completion events name exactly the keys the extension sets', () => {
    const pkg = vscode.extensions.getExtension('sdlc-pipeline.sdlc-pipeline')!.packageJSON as { contributes: { walkthroughs: Array<{ steps: Array<{ id: string; completionEvents: string[] }> }> } };
    const events = pkg.contributes.walkthroughs[0].steps.flatMap((s) => s.completionEvents).filter((e) => e.startsWith('onContext:')).map((e) => e.slice('onContext:'.length)).sort();
    assert.deepStrictEqual(events, Object.values(FIRST_STEP_KEYS).sort());
  });

  it('a ticket, a recorded run and a cost turn the keys on; Find Claude Code returns the CLI it found', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('First steps', {}, ['clarify']));
    assert.ok(a.firstSteps.completed.includes(FIRST_STEP_KEYS.hasTickets), a.firstSteps.completed.join(', '));
    const run = await a.runner.run({ ticketId: t.id, stage: 'clarify' });
    assert.strictEqual(run?.status, 'succeeded');
    assert.ok(run?.costUsd !== undefined);
    for (const k of Object.values(FIRST_STEP_KEYS)) assert.ok(a.firstSteps.completed.includes(k), `${k} not set: ${a.firstSteps.completed.join(', ')}`);
    const found = await vscode.commands.executeCommand<string | undefined>('sdlcPipeline.findClaude');
    assert.ok(found && /claude/.test(found), String(found));
  });
});
