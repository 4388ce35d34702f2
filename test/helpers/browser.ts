import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/** Launches Debian's Chromium headless, offline-minded flags; fails with a clear message when it is missing. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required (CI=true or OPTLAB_REQUIRE_BROWSER=1) but missing`);
  return chromium.launch({
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
}

/** A page showing one local file, with what it asked for. */
export interface OfflinePage {
  page: Page;
  /** `file:` URL of the file. */
  url: string;
  /** Every URL the page requested (the file itself first). */
  requests: string[];
  /** Every URL that was blocked (all but the file). */
  blocked: string[];
  /** Console errors, console warnings and page errors. */
  errors: string[];
}

/**
 * Opens `file` in a new page of `browser` with every request but the file itself blocked, recording requests,
 * blocked requests and errors, and waits for its `load` event.
 */
export async function openOffline(browser: Browser, file: string): Promise<OfflinePage> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage();
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**', (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, blocked, errors };
}

/**
 * One Chromium per test file: launched at the first page, closed when the file's tests end (a root `after`
 * hook, registered when this module is imported), launched again if it has gone. A launch costs about 2 s of
 * CPU and 3 s; each page still gets its own browser context (`browser.newPage()`), closed after its check.
 */
let shared: Promise<Browser> | undefined;
async function sharedBrowser(): Promise<Browser> {
  const running = await shared?.catch(() => undefined);
  if (running?.isConnected()) return running;
  shared = launchChromium();
  return shared;
}
after(async () => {
  const running = await shared?.catch(() => undefined);
  shared = undefined;
  await running?.close();
});

/** Opens `file` offline (see `openOffline`) in the file's Chromium, runs `check` on it and closes its context. */
export async function withOfflinePage<T>(file: string, check: (p: OfflinePage) => Promise<T>): Promise<T> {
  const opened = await openOffline(await sharedBrowser(), file);
  try {
    return await check(opened);
  } finally {
    await opened.page.context().close();
  }
}

/** Waits until each `div.chart` holds a drawn Vega view (SVG or canvas marks) or is marked `data-error`. */
export async function waitForCharts(page: Page, timeout: number): Promise<void> {
  // A string: the test's tsconfig has no DOM types.
  await page.waitForFunction(
    `[...document.querySelectorAll('div.chart')].every(
      (el) => el.querySelector('svg.marks, canvas.marks') !== null || el.hasAttribute('data-error'))`,
    undefined,
    { timeout },
  );
}

/** Each `div.chart`: its id, whether Vega marks were drawn, whether it is marked `data-error`, its SVG texts. */
export async function readCharts(
  page: Page,
): Promise<Array<{ id: string; drawn: boolean; error: boolean; texts: string[] }>> {
  return page.$$eval('div.chart', (els) =>
    els.map((el) => ({
      id: el.id,
      drawn: el.querySelector('svg.marks, canvas.marks') !== null,
      error: el.hasAttribute('data-error'),
      texts: [...el.querySelectorAll('svg.marks text')].map((t) => t.textContent ?? ''),
    })),
  );
}

/**
 * Opens an HTML file in headless Chromium with every request but the file itself blocked, waits until each
 * `div.chart` holds a drawn Vega view, and reports what it saw.
 */
export async function openReport(file: string, tableCaption = ''): Promise<PageCheck> {
  return withOfflinePage(file, async ({ page, requests, errors }) => {
    await waitForCharts(page, 90_000);
    const charts = (await readCharts(page)).map(({ id, drawn, error }) => ({ id, drawn, error }));
    const tables = await page.$$eval('table', (t) => t.length);
    const table = await page.evaluate(`(() => {
      const t = [...document.querySelectorAll('table')].find((x) => (x.querySelector('caption')?.textContent ?? '').startsWith(${JSON.stringify(tableCaption)}));
      return t ? [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => c.textContent ?? '')) : [];
    })()`);
    return { charts, requests, errors, tables, table: table as string[][] };
  });
}
