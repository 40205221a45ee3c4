import assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startWorkbench } from './workbench.mjs';

describe('e2e: GitHub issue in, comment and pull request out', function () {
  let wb;
  before(async () => {
    wb = await startWorkbench('e2e-github', { git: true, github: true, userSettings: { 'sdlcPipeline.reviewGate': 'off' } });
  });
  after(async () => {
    await wb?.stop();
  });

  it('New Ticket from GitHub Issue… → pick by search → form filled → create and run → status comment → pull request in the tree', async () => {
    await wb.openSidebar();
    await wb.command('SDLC: New Ticket from GitHub Issue…');
    const input = wb.page.locator('.quick-input-widget input');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: '#75 Issue number 75' }).first().waitFor({ timeout: 30_000 });
    await input.fill('wishlist');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: '#2 Add a wishlist' }).first().waitFor({ timeout: 30_000 });
    assert.strictEqual(await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: '#75' }).count(), 0, 'search did not narrow the list');
    await wb.screenshot('github-quick-pick');
    await wb.page.keyboard.press('Enter');

    // The form is filled from the issue; stages and models are still the user's choice.
    const f = wb.form();
    await f.locator('#issue-link', { hasText: 'From issue acme/shop#2' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await f.locator('#title').evaluate((e) => e.value), 'Add a wishlist');
    assert.strictEqual(await f.locator('#type-feature').evaluate((e) => e.checked), true);
    await wb.mock.control({ writes: [{ stage: 'plan', file: 'wishlist.md', content: 'plan\n' }] });
    const id = await wb.createTicket('Add a wishlist', ['plan']);
    await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}: Add a wishlist"][aria-label*="acme/shop#2"]`).waitFor({ timeout: 30_000 });

    await wb.command('SDLC: Run Pipeline');
    await wb.quickPick(`#${id}`);
    // The summary comment reaches the issue when the pipeline ends.
    const deadline = Date.now() + 90_000;
    let comment;
    while (!comment && Date.now() < deadline) {
      comment = (await wb.github.log()).find((r) => r.method === 'POST' && r.path === '/repos/acme/shop/issues/2/comments' && r.status === 201);
      if (!comment) await wb.page.waitForTimeout(500);
    }
    assert.ok(comment, 'no status comment was posted');
    assert.match(comment.body.body, /\| Plan \| opus \| claude-opus-[\w-]+ \| succeeded \|/);

    // Create Pull Request from the ticket's context menu: Plan left wishlist.md uncommitted, so it
    // asks to commit it first, naming the file; then the tree shows the PR's number.
    await wb.contextMenu(wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}:"]`), 'Create Pull Request');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.textContent(), /left 1 file uncommitted in its worktree[\s\S]*wishlist\.md/);
    await wb.screenshot('github-commit-first');
    await dialog.locator('.monaco-button', { hasText: 'Commit and Open Pull Request' }).click();
    await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}:"][aria-label*="PR #101"]`).waitFor({ timeout: 60_000 });
    const pr = (await wb.github.log()).find((r) => r.method === 'POST' && r.path === '/repos/acme/shop/pulls');
    assert.match(pr.body.body, /Closes #2$/);
    // What was pushed holds the file Plan wrote (the pull request is never without the change).
    assert.strictEqual(execFileSync('git', ['--git-dir', join(wb.runDir, 'origin.git'), 'show', `${pr.body.head}:wishlist.md`], { encoding: 'utf8' }), 'plan\n');
    await wb.screenshot('github-tree-pr');
  });
});
