// Debian chromium driven by playwright-core (no browser download).
import { chromium } from 'playwright-core';
import { chromiumPath } from './tools.mjs';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--enable-precise-memory-info', // performance.memory for the bench's heap figure
    ],
  });
}

/** Opens the workbench and waits until it is restored. */
export async function openWorkbench(browser, url, { onExit, viewport } = {}) {
  viewport ??= { width: 1400, height: 900 };
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (onExit) await page.exposeFunction('codeAutomationExit', onExit);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForFunction(() => !!window.driver, null, { timeout: 90_000 });
  await page.evaluate(() => window.driver.whenWorkbenchRestored());
  return page;
}
