import assert from 'node:assert';
import { startWorkbench } from './workbench.mjs';

describe('e2e: the thin slice in the real workbench', function () {
  let wb;
  before(async () => {
    wb = await startWorkbench('e2e-thin-slice');
  });
  after(async () => {
    await wb?.stop();
  });

  it('fills the form, picks sonnet for Plan, creates the ticket, runs Plan from the palette; the CLI asks for sonnet', async () => {
    await wb.openSidebar();
    const f = wb.form();
    // Defaults from the one stage table.
    for (const [stage, model] of Object.entries({ clarify: 'haiku', plan: 'opus', build: 'opus', test: 'sonnet', review: 'sonnet', document: 'sonnet', merge: 'haiku' })) {
      assert.strictEqual(await f.locator(`#model-${stage}`).evaluate((e) => e.value), model, `${stage} default`);
    }
    // Title required: a clear inline error.
    await f.locator('#create').click();
    await f.locator('#title-error').filter({ hasText: 'Title is required' }).waitFor();

    await f.locator('#title input').fill('Add a subtract function');
    await f.locator('#description textarea').fill('math.js needs subtract(a, b) with a test.');
    await wb.pickModel('plan', 'sonnet');
    assert.strictEqual(await f.locator('#model-plan').evaluate((e) => e.value), 'sonnet');
    await f.locator('#create').click();
    await f.locator('#status').filter({ hasText: 'Ticket #1 created' }).waitFor();
    await wb.screenshot('thin-slice-form');

    await wb.command('SDLC: Run Stage…');
    await wb.quickPick('#1');
    await wb.quickPick('Plan');
    await wb.quickPick(); // model picker pre-filled with the ticket's choice (sonnet)
    const text = await wb.waitForTerminal(/Plan succeeded/, 90_000);
    assert.match(text, /model claude-sonnet/);
    const reqs = await wb.stageRequests(1);
    assert.ok(reqs.length >= 1, 'no stage request reached the mock API');
    assert.deepStrictEqual([...new Set(reqs.map((r) => r.family))], ['sonnet']);
    assert.strictEqual(reqs[0].stage, 'plan');
    assert.ok(reqs[0].system.includes('Add a subtract function'), 'ticket text reached the CLI through the system-prompt file');
    // The terminal is named after ticket, stage and model.
    await wb.page.locator('[aria-label*="SDLC #1 · Plan · sonnet"], .terminal-tabs-entry:has-text("SDLC #1 · Plan · sonnet"), .single-terminal-tab:has-text("SDLC #1 · Plan · sonnet")').first().waitFor();
    await wb.screenshot('thin-slice-terminal');
  });

  it('a ticket survives a window reload, and the next number continues', async () => {
    await wb.openSidebar();
    const id = await wb.createTicket('Survives reloads', ['plan']);
    await wb.reload();
    await wb.openSidebar();
    await wb.page.locator(`.monaco-list-row[aria-label^="Ticket ${id}: Survives reloads"]`).waitFor();
    await wb.form().locator('.footer').filter({ hasText: `Next ticket: #${id + 1}` }).waitFor();
  });
});
