// Helpers for driving the real workbench (code-server + Debian chromium + playwright-core).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openWorkbench } from '../harness/browser.mjs';
import { claudeEnv, repoRoot, startCodeServer, startMockApi, startMockGitHub, makeRunDir, TEST_GITHUB_TOKEN } from '../harness/codeserver.mjs';
import { ensureAll } from '../harness/tools.mjs';

export const artifacts = process.env.SDLC_ARTIFACTS ?? join(repoRoot, '.test-artifacts');
mkdirSync(artifacts, { recursive: true });

/** Starts mock API + code-server (+ the extension under development unless vsix) + browser. */
export async function startWorkbench(name, { userSettings = {}, extensionsDir, devExtension = true, trust, viewport, git = false, github = false } = {}) {
  const tools = ensureAll();
  const run = makeRunDir(name);
  // `github`: a mock GitHub API; the demo repository's origin is acme/shop there (pushes go to a local bare repository).
  const gh = github ? await startMockGitHub(run.dir) : undefined;
  // `git`: the demo copy is its own repository (branch main, one commit), so tickets get worktrees.
  if (git) {
    const g = (...args) => execFileSync('git', ['-C', run.workspace, ...args], { stdio: 'ignore' });
    g('init', '-q', '-b', 'main');
    g('config', 'user.email', 'e2e@example.com');
    g('config', 'user.name', 'SDLC e2e');
    g('add', '-A');
    g('commit', '-q', '-m', 'demo');
    if (gh) {
      const bare = join(run.dir, 'origin.git');
      execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { stdio: 'ignore' });
      g('remote', 'add', 'origin', `${gh.url}/acme/shop.git`);
      g('remote', 'set-url', '--push', 'origin', bare);
      g('push', '-q', 'origin', 'main');
    }
  }
  const mock = await startMockApi(run.dir);
  const server = await startCodeServer({
    name,
    runDir: run.dir,
    workspace: run.workspace,
    env: { ...claudeEnv(mock.url, tools.claude.binDir), ...(gh ? { GH_ENTERPRISE_TOKEN: TEST_GITHUB_TOKEN } : {}) },
    pathPrepend: tools.claude.binDir,
    userSettings: { ...userSettings, ...(gh ? { 'github-enterprise.uri': gh.url } : {}) },
    extensionsDir,
    trust,
  });
  const browser = await launchBrowser();
  const payload = devExtension ? [['extensionDevelopmentPath', server.remote(repoRoot)]] : [];
  const url = server.workbenchUrl(payload);
  const page = await openWorkbench(browser, url, { viewport });
  const wb = new Workbench(page, server, mock, browser, url);
  wb.workspace = run.workspace;
  wb.runDir = run.dir; // the mock GitHub's bare origin.git is here
  wb.github = gh;
  return wb;
}

export class Workbench {
  constructor(page, server, mock, browser, url) {
    Object.assign(this, { page, server, mock, browser, url });
  }

  async stop() {
    await this.browser.close().catch(() => {});
    await this.server.stop();
    await this.mock.stop();
    await this.github?.stop();
  }

  /**
   * Reloads the window as a user does (Developer: Reload Window), which flushes state first.
   * `{ hard: true }` reloads the browser page instead, like a window that goes away mid-run.
   */
  async reload({ hard = false } = {}) {
    const loaded = this.page.waitForEvent('load', { timeout: 90_000 });
    if (hard) await this.page.reload();
    else await this.command('Developer: Reload Window');
    await loaded;
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await this.page.waitForFunction(() => !!window.driver, null, { timeout: 90_000 });
    await this.page.evaluate(() => window.driver.whenWorkbenchRestored());
  }

  async openSidebar() {
    const icon = this.page.locator('.activitybar .action-item a[aria-label^="SDLC Pipeline"]');
    await icon.waitFor({ timeout: 60_000 });
    const title = this.page.locator('.part.sidebar .composite.title');
    const open = (await title.count()) && /SDLC Pipeline/i.test((await title.first().textContent()) ?? '');
    if (!open) await icon.click();
    await this.form().locator('#title').waitFor({ timeout: 60_000 });
  }

  /** The ticket form's document (webview iframe → active frame). */
  form() {
    // The sidebar's webview view: the first visible webview frame (a cost report panel opened
    // later comes after it). Not by `purpose=webviewView` in its URL: a view hidden and shown
    // again gets a frame without it.
    return this.page.frameLocator('iframe.webview.ready >> visible=true >> nth=0').frameLocator('iframe#active-frame');
  }

  async pickModel(stage, model) {
    const f = this.form();
    await f.locator(`#model-${stage}`).click();
    await f.locator(`#model-${stage} vscode-option[value="${model}"]`).click();
  }

  /** After Enter in a quick input: wait until it closed or became another picker (no fixed sleep). */
  async afterAccept(placeholder) {
    await this.page.waitForFunction((before) => {
      const w = document.querySelector('.quick-input-widget');
      const input = w?.querySelector('input');
      return !w || getComputedStyle(w).display === 'none' || input?.getAttribute('placeholder') !== before;
    }, placeholder, { timeout: 30_000 });
  }

  /**
   * Waits until the mock API holds (`holdStages`) a request from each of `tickets`, then answers
   * every held request. Fails, naming what was held, if that does not happen within `timeout`.
   */
  async releaseWhenHeld(tickets, { timeout = 60_000 } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      const held = new Set((await this.mock.log()).filter((r) => r.held && !r.released).map((r) => r.ticket));
      if (tickets.every((t) => held.has(t))) return this.mock.release();
      if (Date.now() > until) throw new Error(`the mock never held a request from each of ${JSON.stringify(tickets)}: held ${JSON.stringify([...held])}`);
      await this.page.waitForTimeout(250);
    }
  }

  async command(text) {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${text}`);
    // Enter only once the list has caught up with what was typed.
    await this.page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: text }).first().waitFor();
    const placeholder = await input.getAttribute('placeholder');
    await this.page.keyboard.press('Enter');
    await this.afterAccept(placeholder);
  }

  /** Types into the open quick pick and accepts the first match (or, without text, the focused item). */
  async quickPick(text, { timeout = 30_000 } = {}) {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    try {
      if (text !== undefined) await input.fill(text, { timeout });
    } catch (e) {
      // Say what was in the way (e.g. a modal dialog makes the quick input inert).
      await this.screenshot(`quick-pick-failure-${Date.now()}`).catch(() => {});
      const dialog = await this.page.locator('.monaco-dialog-box').textContent().catch(() => null);
      throw new Error(`${e.message}\n${dialog ? `a dialog was open: ${dialog}` : 'no dialog was open'}`);
    }
    await this.page.locator('.quick-input-widget .monaco-list-row.focused', text ? { hasText: text } : {}).first().waitFor();
    const placeholder = await input.getAttribute('placeholder');
    await this.page.keyboard.press('Enter');
    await this.afterAccept(placeholder);
  }

  /**
   * Runs `command` from the palette and picks `text` in the quick pick it opens; when something
   * else in the window takes focus and the quick pick closes first, opens it again (3 tries).
   */
  async commandAndPick(command, text) {
    for (let attempt = 1; ; attempt++) {
      await this.command(command);
      try {
        return await this.quickPick(text, { timeout: 5_000 });
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /**
   * Right-clicks `row` and chooses `label` from its context menu with the keyboard (the menu
   * ignores mouse clicks while it opens; arrow keys and Enter are handled as soon as it has focus).
   */
  async contextMenu(row, label) {
    await row.click({ button: 'right' });
    await this.page.locator('.context-view .action-item', { hasText: label }).waitFor();
    for (let i = 0; i < 30; i++) {
      const focused = await this.page.evaluate(() => document.querySelector('.context-view .action-item.focused')?.textContent ?? '');
      if (focused.includes(label)) return this.page.keyboard.press('Enter');
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`context menu item "${label}" never took focus`);
  }

  /** Creates a ticket from the form with only the given stages on; returns its number. */
  async createTicket(title, stages = ['clarify']) {
    const f = this.form();
    const id = Number(/Next ticket: #(\d+)/.exec(await f.locator('.footer').textContent())[1]);
    // The form re-renders when the host posts new state (e.g. a run just finished): make sure the
    // title is in the field right before Create, and try again if the form says it is missing.
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const s of ['clarify', 'plan', 'build', 'test', 'review', 'document', 'merge']) {
        const box = f.locator(`#stage-${s}`);
        if ((await box.evaluate((e) => e.checked)) !== stages.includes(s)) await box.click();
      }
      await f.locator('#title input').fill(title);
      await f.locator('#title').evaluate((e, t) => new Promise((resolve) => {
        const until = Date.now() + 2000;
        const check = () => (e.value === t || Date.now() > until ? resolve() : setTimeout(check, 20));
        check();
      }), title);
      await f.locator('#create').click();
      const created = f.locator('#status').filter({ hasText: `Ticket #${id} created` });
      const missing = f.locator('#title-error').filter({ hasText: 'Title is required' });
      await created.or(missing).first().waitFor();
      if (await created.count()) return id;
    }
    throw new Error(`ticket "${title}" was not created`);
  }

  async terminalText() {
    return this.page.evaluate(() => {
      const rows = [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows > div')];
      return rows.map((r) => r.textContent.replace(/\u00a0/g, ' ')).join('\n');
    });
  }

  async waitForTerminal(re, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      text = await this.terminalText();
      if (re.test(text)) return text;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`terminal never showed ${re}; it shows:\n${text}`);
  }

  async screenshot(name) {
    const file = join(artifacts, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async stageRequests(ticketId) {
    return (await this.mock.log()).filter((r) => r.ticket === ticketId);
  }

  /** Tree rows of the Tickets view (aria-labels). */
  async treeRows() {
    return this.page.locator('.pane:has(.pane-header[aria-label^="Tickets"]) .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent));
  }

  /**
   * Changes user settings the way a user does: in the settings.json editor, saved. (Writing the
   * file from outside is not noticed by code-server's watcher in time.)
   */
  async updateUserSettings(patch) {
    const file = join(this.server.userData, 'User', 'settings.json');
    const next = JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }, null, 2);
    await this.command('Preferences: Open User Settings (JSON)');
    const editor = this.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await editor.waitFor();
    await editor.click();
    await this.page.keyboard.press('Control+A');
    // Pasted, as typing would auto-close brackets and indent.
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.page.url()).origin });
    await this.page.evaluate((text) => navigator.clipboard.writeText(text), next);
    await this.page.keyboard.press('Control+V');
    await this.page.keyboard.press('Control+S');
    const saved = () => {
      try {
        return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(JSON.parse(next));
      } catch {
        return false;
      }
    };
    const until = Date.now() + 30_000;
    while (!saved()) {
      if (Date.now() > until) {
        await this.screenshot('settings-not-saved');
        throw new Error(`settings.json was not saved: ${readFileSync(file, 'utf8').slice(0, 300)}`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** Switches the colour theme from the palette and waits until the form's webview follows it. */
  async setTheme(label, bodyClass) {
    // Ctrl+K Ctrl+T is workbench.action.selectTheme (the palette's fuzzy match prefers "Browse…").
    await this.page.locator('.part.editor').click({ position: { x: 300, y: 300 } });
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(label);
    await this.page.locator(`.quick-input-widget .monaco-list-row[aria-label*="${label}"]`).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.form().locator(`body.${bodyClass}`).waitFor({ timeout: 30_000 });
  }
}
