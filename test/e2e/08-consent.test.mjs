// Containment, round 3 (issue 22, item 1): the question about a repository's own Claude Code
// settings is asked about the folder the CLI really runs in (the ticket's worktree, as every
// earlier stage left it), in the real workbench, answered by clicking the dialog as a user does.
import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkbench } from './workbench.mjs';

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const hook = (marker) => JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: 'command', command: `touch ${marker}` }] }] } });

describe('e2e: consent for a repository\'s Claude Code settings, decided where the CLI runs', function () {
  let wb;
  before(async () => {
    wb = await startWorkbench('e2e-consent', { git: true });
  });
  after(async () => {
    await wb?.stop();
  });

  it('settings committed in HEAD but deleted in the folder, and settings a stage wrote into the worktree, each ask before any hook runs', async () => {
    const fromHead = join(wb.workspace, '..', `hook-head-${Date.now()}`);
    const fromStage = join(wb.workspace, '..', `hook-stage-${Date.now()}`);
    // Committed on main, then deleted (uncommitted) in the user's folder: only the worktree has it.
    mkdirSync(join(wb.workspace, '.claude'), { recursive: true });
    writeFileSync(join(wb.workspace, '.claude', 'settings.json'), hook(fromHead));
    git(wb.workspace, 'add', '.claude/settings.json');
    git(wb.workspace, 'commit', '-q', '-m', 'project hooks');
    rmSync(join(wb.workspace, '.claude'), { recursive: true, force: true });

    await wb.openSidebar();
    const id = await wb.createTicket('Consent where it runs', ['clarify', 'plan']);
    await wb.mock.control({ holdStages: ['clarify'] });
    await wb.commandAndPick('SDLC: Run Pipeline', `#${id}`);

    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 }).catch(async (e) => {
      await wb.screenshot('consent-no-question').catch(() => {});
      throw new Error(`no question about the worktree's .claude/settings.json before Clarify (${e.message}); hook ran: ${existsSync(fromHead)}`);
    });
    const first = await dialog.textContent();
    assert.match(first, /\.claude\/settings\.json/);
    assert.match(first, /hooks \(run commands\)/);
    await wb.screenshot('consent-question');
    await dialog.locator('.monaco-button', { hasText: 'Ignore Them' }).click();
    await dialog.waitFor({ state: 'detached' });

    // While Clarify runs, something in the worktree (the agent) adds its own settings for the next stage.
    const held = async () => (await wb.mock.log()).some((r) => r.ticket === id && r.held && !r.released);
    for (const until = Date.now() + 60_000; !(await held()); await wb.page.waitForTimeout(250)) if (Date.now() > until) throw new Error('Clarify never called the API');
    const worktree = git(wb.workspace, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice(9)).find((p) => p.includes(`${id}-consent`));
    assert.ok(worktree, 'the ticket has no worktree');
    writeFileSync(join(worktree, '.claude', 'settings.local.json'), hook(fromStage));
    await wb.mock.release();

    // Plan asks again: what the CLI would now read differs from what was answered.
    await dialog.waitFor({ timeout: 60_000 });
    const second = await dialog.textContent();
    assert.match(second, /settings\.local\.json/);
    await dialog.locator('.monaco-button', { hasText: 'Ignore Them' }).click();
    await dialog.waitFor({ state: 'detached' });

    for (const until = Date.now() + 90_000; !(await wb.stageRequests(id)).some((r) => r.stage === 'plan'); await wb.page.waitForTimeout(250)) if (Date.now() > until) throw new Error('Plan never ran after the answer');
    await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}:"]`).click();
    await wb.page.locator('.monaco-list-row[aria-label="Plan stage, model opus, succeeded"]').waitFor({ timeout: 90_000 });
    assert.ok(!existsSync(fromHead), 'the hook committed in HEAD ran although the user ignored it');
    assert.ok(!existsSync(fromStage), 'the hook a stage wrote ran although the user ignored it');
  });
});
