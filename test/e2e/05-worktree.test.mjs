import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startWorkbench } from './workbench.mjs';

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('e2e: a worktree per ticket in the real workbench', function () {
  let wb;
  before(async () => {
    wb = await startWorkbench('e2e-worktree', { git: true, userSettings: { 'sdlcPipeline.maxParallelPipelines': 2 } });
  });
  after(async () => {
    await wb?.stop();
  });

  it('two tickets run at once in the tree; Review Changes opens the multi-file diff; Approve merges into main', async () => {
    await wb.openSidebar();
    const one = await wb.createTicket('Add one file', ['build', 'merge']);
    const two = await wb.createTicket('Add two file', ['build', 'merge']);
    // Build's requests wait unanswered until released, so both Builds are running at once however
    // slow the machine (a 5 s answer once let the first finish before the second started).
    await wb.mock.control({
      holdStages: ['build'],
      writes: [
        { stage: 'build', ticket: one, file: 'one.txt', content: 'one\n' },
        { stage: 'build', ticket: two, file: 'two.txt', content: 'two\n' },
      ],
    });
    // Expand both tickets, then start both pipelines from the palette.
    for (const id of [one, two]) await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}:"]`).click();
    const running = '.monaco-list-row[aria-label="Build stage, model opus, running"]';
    for (const [i, id] of [one, two].entries()) {
      await wb.commandAndPick('SDLC: Run Pipeline', `#${id}`);
      // The next command only once this pipeline is under way (its notifications and terminal settle first).
      await wb.page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [running, i + 1], { timeout: 60_000 }).catch(async (e) => {
        await wb.screenshot(`worktree-not-running-${id}`).catch(() => {});
        const rows = await wb.page.locator('.monaco-list-row[aria-label]').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
        throw new Error(`${e.message}\nafter Run Pipeline #${id}, the rows were: ${JSON.stringify(rows)}`);
      });
    }
    // Both Build rows show "running" at the same time; then both CLIs are seen waiting for an answer.
    assert.strictEqual(await wb.page.locator(running).count(), 2);
    await wb.screenshot('worktree-two-running');
    assert.strictEqual(await wb.releaseWhenHeld([one, two]), 2);

    // Each pauses before Merge for review.
    for (const id of [one, two]) await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}:"][aria-label*="awaiting review"]`).waitFor({ timeout: 90_000 });
    await wb.screenshot('worktree-awaiting-review');

    // Review Changes (context menu) opens the multi-file diff editor with the ticket's file.
    await wb.contextMenu(wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${one}:"]`), 'Review Changes');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: `#${one} Add one file` });
    await tab.waitFor({ timeout: 30_000 });
    await wb.page.locator('.part.editor .multiDiffEditor', { hasText: 'one.txt' }).first().waitFor({ timeout: 30_000 });
    assert.strictEqual(await wb.page.locator('.part.editor .multiDiffEditor', { hasText: 'two.txt' }).count(), 0, 'the other ticket\'s file is in this review');
    await wb.screenshot('worktree-review-changes');

    // Approve → the Merge stage runs → "Merge into main" → main has the file; the user's tree follows.
    await wb.contextMenu(wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${one}:"]`), 'Approve Changes and Continue');
    // The Merge stage runs; its offer to merge waits in the notifications (a toast may have gone by).
    await wb.page.locator('.monaco-list-row[aria-label="Merge stage, model haiku, succeeded"]').waitFor({ timeout: 90_000 });
    await wb.command('Notifications: Show Notifications');
    const mergeButton = wb.page.locator('.notifications-center .monaco-button', { hasText: 'Merge into main' });
    await mergeButton.first().waitFor({ timeout: 30_000 });
    await mergeButton.first().click();
    await wb.page.locator('.notifications-center, .notifications-toasts', { hasText: /merged sdlc\/\d+-add-one-file into main \(fast-forward\)/ }).first().waitFor({ timeout: 30_000 });
    assert.strictEqual(git(wb.workspace, 'show', 'main:one.txt'), 'one');
    assert.ok(existsSync(`${wb.workspace}/one.txt`));
    assert.throws(() => git(wb.workspace, 'show', 'main:two.txt'), 'the unapproved ticket was merged');
    await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${one}:"][aria-label*="merged"]`).waitFor({ timeout: 30_000 });
    await wb.screenshot('worktree-merged');
  });
});
