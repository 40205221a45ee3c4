import assert from 'node:assert';
import { startWorkbench } from './workbench.mjs';

describe('e2e: an untrusted workspace (Restricted Mode)', function () {
  let wb;
  before(async () => {
    wb = await startWorkbench('e2e-restricted', {
      trust: false,
      userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false },
    });
  });
  afterEach(async function () {
    if (this.currentTest.state === 'failed') await wb?.screenshot('failed-restricted');
  });
  after(async () => {
    await wb?.stop();
  });

  it('tickets can be created, but running is disabled with an explanation and no CLI starts', async () => {
    await wb.openSidebar();
    const f = wb.form();
    assert.strictEqual(await f.locator('#create-run').evaluate((e) => e.hasAttribute('disabled')), true);
    await f.locator('text=Restricted Mode').waitFor();
    await f.locator('#title input').fill('Untrusted ticket');
    await f.locator('#create').click();
    await f.locator('#status').filter({ hasText: 'Ticket #1 created' }).waitFor();
    await wb.command('SDLC: Run Plan Stage');
    await wb.quickPick('#1');
    // The refusal is decided before anything could start, so once it shows, nothing ran or will.
    await wb.command('Notifications: Show Notifications');
    await wb.page.locator('.notifications-center', { hasText: 'disabled in Restricted Mode' }).waitFor({ timeout: 30_000 });
    assert.deepStrictEqual(await wb.stageRequests(1), [], 'a CLI ran in an untrusted workspace');
    const { execFileSync } = await import('node:child_process');
    const clis = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(wb.server.runDir) && l.includes('--session-id'));
    assert.deepStrictEqual(clis, [], 'a CLI process exists in an untrusted workspace');
    const row = wb.page.locator('.monaco-list-row[aria-label^="Ticket 1: Untrusted ticket"]').first();
    await row.waitFor();
    assert.match(await row.getAttribute('aria-label'), /0\/7 stages$/, 'the ticket recorded a run or a cost');
    await wb.screenshot('restricted-mode');
  });
});
