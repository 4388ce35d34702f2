/**
 * Checks of an interactive report page in Chromium (issue 13's "done means"): the x switch redraws the axis
 * title and the marks, a legend click hides a series, a table's CSV download carries its rows, the page does
 * not scroll sideways at 1366 and 390 px, and every figure's marks have extent. Page scripts are strings: the
 * tests' tsconfig has no DOM types.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { waitForCharts, withOfflinePage } from './browser.js';

/** Text of the chart's axis titles and the `d` of its line marks. */
async function drawn(page: Page, chart: string): Promise<{ titles: string[]; lines: string[] }> {
  return (await page.evaluate(`(() => {
    const el = document.getElementById(${JSON.stringify(chart)});
    return {
      titles: [...el.querySelectorAll('g.role-axis-title text')].map((t) => t.textContent),
      lines: [...el.querySelectorAll('path[aria-roledescription="line mark"]')].map((p) => p.getAttribute('d') || ''),
    };
  })()`)) as { titles: string[]; lines: string[] };
}

/** Waits until the chart's drawing differs from `before`. */
async function changed(page: Page, chart: string, before: { titles: string[]; lines: string[] }) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await drawn(page, chart);
    if (JSON.stringify(now) !== JSON.stringify(before)) return now;
    if (Date.now() > deadline) return now;
    await page.waitForTimeout(50);
  }
}

/** The first chart with an x switch; switches it to another column and checks the redraw. */
export async function checkAxisSwitch(page: Page): Promise<string> {
  const info = (await page.evaluate(`(() => {
    const sel = document.querySelector('.fig-tools select[data-signal="xField"]');
    if (!sel) return null;
    const values = [...sel.options].map((o) => o.value).filter((v) => v !== sel.value);
    const other = values.includes('seconds') ? 'seconds' : values[0];
    return { chart: sel.getAttribute('data-chart'), other, label: [...sel.options].find((o) => o.value === other).text };
  })()`)) as { chart: string; other: string; label: string } | null;
  assert.ok(info, 'no figure has an x switch');
  const before = await drawn(page, info.chart);
  assert.ok(before.lines.length > 0, `${info.chart}: no line drawn`);
  await page.selectOption(`.fig-tools select[data-signal="xField"][data-chart="${info.chart}"]`, info.other);
  const after = await changed(page, info.chart, before);
  assert.notDeepEqual(after.titles, before.titles, `${info.chart}: the axis title did not change`);
  assert.ok(
    after.titles.some((t) => t.toLowerCase().includes(info.label.toLowerCase().slice(0, 5))),
    `${info.chart}: axis titles ${after.titles.join(' | ')} do not name ${info.label}`,
  );
  assert.notDeepEqual(after.lines, before.lines, `${info.chart}: the marks did not move`);
  return info.chart;
}

/** The first chart whose legend toggles at least two series. */
export async function chartWithSeries(page: Page): Promise<string> {
  const id = (await page.evaluate(`[...document.querySelectorAll('div.chart[data-legend-toggles]')]
    .find((el) => el.querySelectorAll('g.role-legend-label text').length >= 2)?.id ?? null`)) as string | null;
  assert.ok(id, 'no chart with two series in its legend');
  return id;
}

/** Clicks the first legend entry of `chart`: one line fewer; a second click brings it back. */
export async function checkLegendToggle(page: Page, chart: string): Promise<void> {
  const before = await drawn(page, chart);
  const label = `#${chart} g.role-legend-label text >> nth=0`;
  await page.click(label);
  const hidden = await changed(page, chart, before);
  assert.equal(hidden.lines.filter((d) => d !== '').length, before.lines.filter((d) => d !== '').length - 1);
  await page.click(label);
  const back = await changed(page, chart, hidden);
  assert.equal(back.lines.filter((d) => d !== '').length, before.lines.filter((d) => d !== '').length);
}

/** Downloads the first table's CSV: a header and one line per row, the same cells as the page shows. */
export async function checkTableCsv(page: Page): Promise<void> {
  const table = (await page.evaluate(`(() => {
    const t = document.querySelector('table[id]');
    return { id: t.id, rows: [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => c.textContent)) };
  })()`)) as { id: string; rows: string[][] };
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`button[data-csv-table="${table.id}"]`),
  ]);
  assert.equal(download.suggestedFilename(), `${table.id}.csv`);
  const text = readFileSync((await download.path()) as string, 'utf8');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, table.rows.length);
  assert.equal(lines[0], table.rows[0].map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
}

/** At each width the page is no wider than the window (figures and tables scroll inside their boxes). */
export async function checkNoSidewaysScroll(page: Page, widths = [1366, 390]): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    const [scroll, client] = (await page.evaluate(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
    )) as [number, number];
    assert.ok(scroll <= client, `at ${width} px the page is ${scroll} px wide (window ${client} px)`);
  }
}

/**
 * Wide tables show only their chosen columns while collapsed; one click shows every column and another hides
 * them again; with every table open the page still does not scroll sideways (the tables scroll in their box).
 */
export async function checkColumnsOneClickAway(page: Page): Promise<void> {
  const visible = (id: string) =>
    page.evaluate(
      `[...document.querySelectorAll('#${id} thead th')].filter((th) => getComputedStyle(th).display !== 'none').length`,
    ) as Promise<number>;
  const tables = (await page.$$eval('button[data-expand]', (bs) =>
    bs.map((b) => ({ id: b.getAttribute('data-expand') ?? '', text: b.textContent ?? '' })),
  )) as Array<{ id: string; text: string }>;
  if (tables.length === 0) return;
  for (const t of tables) {
    const m = /^Show all (\d+) columns \((\d+) more\)$/.exec(t.text);
    assert.ok(m, t.text);
    const [all, more] = [Number(m[1]), Number(m[2])];
    assert.equal(await visible(t.id), all - more, `${t.id} collapsed`);
    await page.click(`button[data-expand="${t.id}"]`);
    assert.equal(await visible(t.id), all, `${t.id} expanded`);
  }
  await checkNoSidewaysScroll(page);
  for (const t of tables) {
    await page.click(`button[data-expand="${t.id}"]`);
    assert.ok((await visible(t.id)) < Number(/^Show all (\d+)/.exec(t.text)?.[1]), `${t.id} collapsed again`);
  }
}

/**
 * Scatter and bar figures with a colour legend: a click on a legend entry fades the other series' marks, a
 * double click on the chart shows them all again. Returns how many such figures were checked.
 */
export async function checkLegendPick(page: Page): Promise<number> {
  const ids = (await page.evaluate(`[...document.querySelectorAll('div.chart')]
    .filter((el) => !el.querySelector('g.mark-line') && el.querySelector('g.role-legend-symbol') &&
      el.querySelector('g.mark-symbol path, g.mark-rect path') && el.querySelectorAll('g.role-legend-label text').length >= 2)
    .map((el) => el.id)`)) as string[];
  const faded = (id: string) =>
    page.evaluate(`[...document.querySelectorAll('#${id} g.mark-symbol path, #${id} g.mark-rect path')]
      .filter((p) => !p.closest('.role-legend') && Number(p.getAttribute('opacity') ?? 1) < 0.5).length`) as Promise<number>;
  for (const id of ids) {
    assert.equal(await faded(id), 0, `${id}: nothing faded at first`);
    await page.click(`#${id} g.role-legend-label text >> nth=0`);
    const after = await faded(id);
    assert.ok(after > 0, `${id}: a legend click fades the other series`);
    await page.dblclick(`#${id} svg`, { position: { x: 5, y: 5 } });
    assert.equal(await faded(id), 0, `${id}: a double click shows every series`);
  }
  return ids.length;
}

/** Every chart has drawn marks with a non-empty bounding box. */
export async function checkMarksHaveExtent(page: Page): Promise<void> {
  const empty = (await page.evaluate(`[...document.querySelectorAll('div.chart')].filter((el) => {
    const marks = [...el.querySelectorAll('svg.marks g[role="graphics-object"] path, svg.marks g[role="graphics-object"] rect, svg.marks g[role="graphics-object"] line')]
      .filter((m) => !m.closest('.role-axis, .role-legend, .role-title'));
    return !marks.some((m) => { const b = m.getBBox(); return b.width > 0 && b.height > 0; });
  }).map((el) => el.id)`)) as string[];
  assert.deepEqual(empty, [], `charts without a mark of any extent: ${empty.join(', ')}`);
}

/** Opens a report offline and runs every check above, then asserts no console error or warning. */
export async function checkInteractiveReport(file: string): Promise<void> {
  await withOfflinePage(file, async ({ page, errors }) => {
    await waitForCharts(page, 90_000);
    await page.waitForFunction(
      `[...document.querySelectorAll('div.chart')].every((el) => el.hasAttribute('data-rendered') || el.hasAttribute('data-error'))`,
      undefined,
      { timeout: 90_000 },
    );
    await checkMarksHaveExtent(page);
    await checkAxisSwitch(page);
    await checkLegendToggle(page, await chartWithSeries(page));
    await checkTableCsv(page);
    await checkNoSidewaysScroll(page);
    await checkColumnsOneClickAway(page);
    // The study's scatter and bar figures (stability, sparsity, cost, accuracy) pick series from their legend.
    assert.ok((await checkLegendPick(page)) >= 2, 'scatter and bar figures with a legend to pick from');
    assert.deepEqual(errors, []);
  });
}
