#!/usr/bin/env node
// Takes the README's screenshot of the playground (docs/playground.png): serves the built app (npm run
// build:web first) with a9a from OPTLAB_DATA (default ../shared/data), opens a link that runs L-BFGS, SGD and
// Adam on a9a with its test set for 40 passes each, waits for the runs, and captures the window in Debian's
// Chromium.
//   node --import tsx web/screenshot.mjs [out.png]
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../src/node/serve.ts';

const out = resolve(process.argv[2] ?? 'docs/playground.png');
const data = resolve(process.env.OPTLAB_DATA ?? '../shared/data');
const serving = await startServer({ port: 0, dataDir: data });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1020 }, deviceScaleFactor: 1 });
  const query =
    '?data=a9a&test-data=a9a.t&m1=lbfgs&m1.max-passes=40&m2=sgd&m2.step=0.5&m2.epochs=40&m2.seed=1' +
    '&m3=adam&m3.step=0.01&m3.epochs=40&m3.seed=1&x=passes&y=gap&log=1&run=1';
  await page.goto(`${serving.url}${query}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=final-value]').length === 3, undefined, {
    timeout: 120_000,
  });
  await page.waitForTimeout(500); // the last redraw
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await serving.close();
}
