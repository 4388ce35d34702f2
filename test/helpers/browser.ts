import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
const required = process.env.CI === 'true' || process.env.OPTLAB_REQUIRE_BROWSER === '1';

/** `skip` option for browser tests: a visible skip without Chromium, unless CI requires it (then the test fails). */
export const skipWithoutBrowser: string | false =
  !existsSync(CHROMIUM) && !required
    ? `${CHROMIUM} not found: browser test skipped (set CI=true or OPTLAB_REQUIRE_BROWSER=1 to make this a failure)`
    : false;

export interface PageCheck {
  charts: Array<{ id: string; drawn: boolean; error: boolean }>;
  /** Every URL the page requested (the file itself first). */
  requests: string[];
  /** Console errors and page errors. */
  errors: string[];
  tables: number;
  /** Text of the table with the given caption start, as rows of cells (see `tableCaption`). */
  table: string[][];
}

/**
 * Opens an HTML file in headless Chromium with every request but the file itself blocked, waits until each
 * `div.chart` holds a drawn Vega view, and reports what it saw.
 */
export async function openReport(file: string, tableCaption = ''): Promise<PageCheck> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required (CI=true or OPTLAB_REQUIRE_BROWSER=1) but missing`);
  const url = pathToFileURL(file).href;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('**', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(
      `[...document.querySelectorAll('div.chart')].every(
        (el) => el.querySelector('svg.marks, canvas.marks') !== null || el.hasAttribute('data-error'))`,
      undefined,
      { timeout: 90_000 },
    );
    const charts = await page.$$eval('div.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        drawn: el.querySelector('svg.marks, canvas.marks') !== null,
        error: el.hasAttribute('data-error'),
      })),
    );
    const tables = await page.$$eval('table', (t) => t.length);
    const table = await page.evaluate(`(() => {
      const t = [...document.querySelectorAll('table')].find((x) => (x.querySelector('caption')?.textContent ?? '').startsWith(${JSON.stringify(tableCaption)}));
      return t ? [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => c.textContent ?? '')) : [];
    })()`);
    return { charts, requests, errors, tables, table: table as string[][] };
  } finally {
    await browser.close();
  }
}
