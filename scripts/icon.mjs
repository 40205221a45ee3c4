// Renders media/icon.svg to the 128×128 Marketplace icon media/icon.png with the test harness's
// chromium (no image library). Run it after changing the SVG: `node scripts/icon.mjs`.
import { readFileSync } from 'node:fs';
import { launchBrowser } from '../test/harness/browser.mjs';

const svg = readFileSync(new URL('../media/icon.svg', import.meta.url), 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: new URL('../media/icon.png', import.meta.url).pathname, omitBackground: true });
} finally {
  await browser.close();
}
