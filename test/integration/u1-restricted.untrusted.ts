/**
 * Restricted Mode on a hostile repository (real extension host, workspace trust enabled and
 * not granted). The workspace's .vscode/settings.json is HOSTILE_SETTINGS from
 * test/harness/integration.mjs; the user set maxBudgetUsd { build: 2, plan: 1 } and
 * permissionMode acceptEdits. Nothing here may launch a CLI, write into the workspace, or take
 * a spending or permission setting from the repository.
 */
import * as assert from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, draft, modelOf, stageRequests } from './helpers';

describe('Restricted Mode on a hostile repository (real extension host, untrusted)', () => {
  it('the window really is untrusted and the hostile settings really are in the workspace', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const i = vscode.workspace.getConfiguration('sdlcPipeline').inspect('escalationMode');
    // VS Code hides restricted settings' workspace values when untrusted; either way we must not use them.
    assert.ok(i, 'the setting is not contributed');
  });

  it('spending and permission settings come from user settings only', async () => {
    const a = await api();
    const run = a.config.value.run;
    assert.deepStrictEqual({ ...run.maxBudgetUsd }, { build: 2, plan: 1 });
    assert.strictEqual(run.maxTicketBudgetUsd, undefined);
    assert.strictEqual(run.permissionMode, 'acceptEdits');
    assert.deepStrictEqual(run.allowedTools, []);
    assert.deepStrictEqual(run.extraArgs, []);
    assert.deepStrictEqual({ ...run.escalation }, {});
    assert.strictEqual(run.escalationMode, 'ask');
    assert.strictEqual(run.fallbackModel, undefined);
    assert.strictEqual(run.claudePath, undefined);
    assert.deepStrictEqual({ ...run.stagePrompts }, {});
    // A model default is not a restricted setting: the repository may still suggest one, visibly.
    assert.deepStrictEqual(modelOf(a.form.state().defaults.plan), { model: 'sonnet', source: 'workspace', sourceLabel: 'workspace settings' });
  });

  it('running a stage is refused with "Manage Workspace Trust"; no CLI starts and no run is recorded', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Untrusted run', {}, ['plan']));
    const seen: string[] = [];
    const sub = a.runner.onDidRefuse((e) => seen.push(e.message));
    const run = await vscode.commands.executeCommand('sdlcPipeline.runPlanStage', { ticketId: t.id });
    const pipeline = await vscode.commands.executeCommand<{ status: string }>('sdlcPipeline.runPipeline', { ticketId: t.id });
    sub.dispose();
    assert.strictEqual(run, undefined);
    assert.strictEqual(pipeline.status, 'not-started');
    assert.ok(seen.length >= 2 && seen.every((m) => m.includes('Restricted Mode')), seen.join('\n'));
    assert.deepStrictEqual(await stageRequests(t.id), []);
    assert.strictEqual(a.tickets.get(t.id)!.runs.length, 0);
  });

  it('Resume Stage Session is refused in Restricted Mode, even for a valid session', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Untrusted resume', {}, ['plan']));
    await a.tickets.update(t.id, (x) => void x.runs.push({ id: 'r1', stage: 'plan', mode: 'headless', modelAsked: 'opus', startedAt: Date.now(), endedAt: Date.now(), status: 'succeeded', sessionId: '6f9619ff-8b86-4d11-b42d-00c04fc964ff' }));
    const terminalsBefore = vscode.window.terminals.length;
    const seen: string[] = [];
    const sub = a.runner.onDidRefuse((e) => seen.push(e.message));
    const term = await vscode.commands.executeCommand('sdlcPipeline.resumeSession', { ticketId: t.id, stage: 'plan' });
    sub.dispose();
    assert.strictEqual(term, undefined);
    assert.strictEqual(vscode.window.terminals.length, terminalsBefore, 'a terminal was opened');
    assert.ok(seen.some((m) => m.startsWith('Resuming a session launches the Claude Code CLI') && m.includes('Restricted Mode')), seen.join('\n'));
  });

  it('Open Ticket File writes nothing into an untrusted workspace; it shows the text instead', async () => {
    const a = await api();
    const t = await a.tickets.create(draft('Untrusted open'));
    await vscode.commands.executeCommand('sdlcPipeline.openTicketFile', { ticketId: t.id });
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.ok(!existsSync(path.join(root, '.sdlc')), 'a ticket file was written in Restricted Mode');
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc?.isUntitled && doc.getText().includes('Untrusted open'), 'the ticket text was not shown');
  });
});
