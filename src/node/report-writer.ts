/**
 * Writing a report to disk, and reading a results folder (see `src/sweep/results.ts` for its layout).
 *
 * {@link writeReport}: every figure as `DIR/figures/<id>.svg` and `DIR/figures/<id>.png` (2× scale), each written
 * atomically, then one self-contained `DIR/report.html` (`renderHtmlPage`: vega and vega-embed inlined, Vega
 * specs inlined, no network). The HTML draws the charts from their specs (interactive, with tooltips); it does
 * not embed the PNGs, but links each figure's SVG and PNG by relative path under the chart.
 *
 * Speed: the static files use `staticSpec` (no tooltips, no invisible tooltip points: the SVG is ~6× smaller
 * and renders ~2× faster). The SVG is rendered by Vega on the main thread; the PNG is rasterized by resvg's
 * `renderAsync` on libuv's thread pool, so the PNG of one figure overlaps the SVG of the next. A report of
 * `POOL_FIGURES` figures or more (the study's 18) rasterizes and encodes its PNGs on a pool of worker threads
 * instead (./png-pool.ts, the same bytes): `asPng()` encodes on the calling thread, ~30 ms a figure that the
 * main thread, busy with the SVGs, does not have; a smaller report is not worth a thread's start. resvg-js 2.6
 * cannot share a parsed font database between renders, but loading the two DejaVu TTFs costs ~1.5 ms per
 * render (measured), which is noise next to rasterizing (~50–90 ms for a 480×300 chart at 2×).
 *
 * {@link readResults}: `DIR/runs/*.json` (one `RunFile` per finished run, present while a sweep runs) or
 * `DIR/runs.jsonl` + `DIR/trace.jsonl` (written when a sweep ends). The JSON Lines pair is preferred when it
 * is complete (at least as many runs as `runs/` holds), since it avoids parsing every final iterate `x`.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { renderAsync } from '@resvg/resvg-js';
import type { z } from 'zod';
import { InputError, OptlabError } from '../errors.js';
import type { Report } from '../report/build.js';
import { type Figure, staticSpec } from '../report/figures.js';
import { type HtmlSection, renderHtmlPage } from '../report/html.js';
import { renderSvg } from '../report/vega.js';
import { traceRows } from '../sweep/execute.js';
import type { Manifest, RunFile, RunRow, TraceRow } from '../sweep/results.js';
import { firstIssue, ManifestSchema, RunFileSchema } from '../sweep/results-schema.js';
import { RowError, runRowOf, traceRowOf } from '../sweep/rows.js';
import { writeFileAtomic } from './atomic.js';
import { PngPool } from './png-pool.js';
import { resvgOptions } from './raster.js';
import { loadInlineScripts } from './scripts.js';

export interface WriteReportOptions {
  /** Write a PNG next to each SVG (default true). */
  png?: boolean;
  /** PNG zoom factor (default 2). */
  scale?: number;
  /** Called after each figure's files are written: figures done, figures in all, the figure's id. */
  onProgress?: (done: number, total: number, id: string) => void;
  /** Receives Vega-Lite's and Vega's warnings. */
  onWarn?: (message: string) => void;
}

/** Figures from which a report's PNGs are made on a pool of worker threads (see the module comment). */
export const POOL_FIGURES = 8;

/** Links to a figure's files, placed under its chart. */
function fileLinks(id: string, png: boolean): string {
  const a = (ext: string) => `<a href="figures/${id}.${ext}">${ext.toUpperCase()}</a>`;
  return `<p class="figure-files">Files: ${a('svg')}${png ? ` · ${a('png')}` : ''}</p>`;
}

/** The report's HTML page (self-contained); figures link `figures/<id>.svg` (and `.png` when `png`). */
export function reportHtml(report: Report, opts: { png?: boolean; onWarn?: (message: string) => void } = {}): string {
  const sections: HtmlSection[] = [];
  if (report.intro !== undefined) sections.push({ id: 'intro', title: 'Introduction', html: report.intro });
  for (const s of report.sections) {
    sections.push({
      id: s.id,
      title: s.title,
      html: s.text,
      tables: s.tables,
      charts: s.figures.map((f) => ({
        id: f.id,
        spec: f.spec,
        caption: f.caption,
        ...(f.renderer ? { renderer: f.renderer } : {}),
        ...(f.controls ? { controls: f.controls } : {}),
        ...(f.legendToggles ? { legendToggles: true } : {}),
        footer: fileLinks(f.id, opts.png ?? true),
      })),
    });
  }
  return renderHtmlPage({
    title: report.title,
    ...(report.subtitle !== undefined ? { subtitle: report.subtitle } : {}),
    sections,
    scripts: loadInlineScripts(),
    ...(opts.onWarn ? { onWarn: opts.onWarn } : {}),
  });
}

/**
 * Writes `DIR/figures/<id>.svg`, `.png` and `DIR/report.html` (see the module comment); returns the paths
 * written, figure files in report order, report.html last.
 */
export async function writeReport(report: Report, dir: string, opts: WriteReportOptions = {}): Promise<string[]> {
  const png = opts.png ?? true;
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new OptlabError(`PNG scale must be a positive number, got ${scale}`);
  const figures: Figure[] = report.sections.flatMap((s) => s.figures);
  const seen = new Set<string>();
  for (const f of figures) {
    if (seen.has(f.id)) throw new OptlabError(`figure id ${JSON.stringify(f.id)} is used twice`);
    seen.add(f.id);
  }
  // The PNG pool's workers start now, loading resvg while this thread builds the page.
  const pool = png && figures.length >= POOL_FIGURES ? new PngPool().warm() : null;
  let html: string;
  try {
    // Build the page first: it checks every id and compiles every spec, so a bad report fails before any write.
    html = reportHtml(report, { png, ...(opts.onWarn ? { onWarn: opts.onWarn } : {}) });
  } catch (e) {
    await pool?.close();
    throw e;
  }
  const figDir = join(dir, 'figures');
  const files: string[][] = figures.map(() => []);
  const rOpts = resvgOptions(scale);
  const pending = new Set<Promise<void>>();
  let done = 0;
  const finish = (i: number) => {
    done++;
    opts.onProgress?.(done, figures.length, figures[i].id);
  };
  if (pool !== null) {
    await pooledFigures(pool, figures, figDir, scale, files, finish, opts);
    const htmlPath = join(dir, 'report.html');
    writeFileAtomic(htmlPath, html);
    return [...files.flat(), htmlPath];
  }
  for (let i = 0; i < figures.length; i++) {
    const f = figures[i];
    const svg = await writeSvg(f, figDir, files[i], opts);
    if (!png) {
      finish(i);
      continue;
    }
    // Rasterize on the thread pool while the next SVG renders; at most two PNGs in flight.
    const pngPath = join(figDir, `${f.id}.png`);
    const job: Promise<void> = renderAsync(svg, rOpts).then((img) => {
      writeFileAtomic(pngPath, img.asPng());
      files[i].push(pngPath);
      finish(i);
    });
    pending.add(job);
    void job.then(
      () => pending.delete(job),
      () => pending.delete(job),
    );
    if (pending.size >= 2) await Promise.race(pending);
  }
  await Promise.all(pending);
  const htmlPath = join(dir, 'report.html');
  writeFileAtomic(htmlPath, html);
  return [...files.flat(), htmlPath];
}

/** Renders a figure's static SVG, writes `figDir/<id>.svg`, adds its path to `written`; returns the SVG. */
async function writeSvg(f: Figure, figDir: string, written: string[], opts: WriteReportOptions): Promise<string> {
  const svg = await renderSvg(staticSpec(f.spec), opts.onWarn ? { onWarn: opts.onWarn } : {});
  const svgPath = join(figDir, `${f.id}.svg`);
  writeFileAtomic(svgPath, svg);
  written.push(svgPath);
  return svg;
}

/**
 * The figures' SVGs on this thread, their PNGs on a pool of worker threads (./png-pool.ts), each file as it is
 * done; closes the pool.
 */
async function pooledFigures(
  pool: PngPool,
  figures: Figure[],
  figDir: string,
  scale: number,
  files: string[][],
  finish: (i: number) => void,
  opts: WriteReportOptions,
): Promise<void> {
  const pending: Promise<void>[] = [];
  try {
    for (let i = 0; i < figures.length; i++) {
      const f = figures[i];
      const svg = await writeSvg(f, figDir, files[i], opts);
      const pngPath = join(figDir, `${f.id}.png`);
      const job = pool.render(svg, scale).then((bytes) => {
        writeFileAtomic(pngPath, bytes);
        files[i].push(pngPath);
        finish(i);
      });
      job.catch(() => {}); // awaited below; a failure before then must not surface as unhandled
      pending.push(job);
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
}

/** What a results folder holds. */
export interface Results {
  runs: RunRow[];
  traces: TraceRow[];
  /** `DIR/manifest.json`, when present. */
  manifest?: Manifest;
  /** Where the rows came from. */
  source: 'runs' | 'jsonl';
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, pos: number): [number, number] {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return [line, pos - start + 1];
}

/** JSON.parse with errors as `FILE:LINE:COL: not valid JSON (…)`; `line0` is the line of the text's start. */
function parseJson(text: string, file: string, line0 = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const [l, c] = m ? lineCol(text, Number(m[1])) : [1, 1];
    throw new InputError(file, line0 + l - 1, c, `not valid JSON (${msg})`);
  }
}

/** Parses `v` with a schema; a mismatch is an InputError naming the file, the line and the field. */
function parseWith<T>(schema: z.ZodType<T>, v: unknown, file: string, line: number, what: string): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new InputError(file, line, 1, `not a valid ${what}: ${firstIssue(r.error)}`);
  return r.data;
}

const nan = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

/** `row()` with a `RowError` turned into an InputError naming the file and the line. */
function atLine<T>(file: string, line: number, row: () => T): T {
  try {
    return row();
  } catch (e) {
    if (e instanceof RowError) throw new InputError(file, line, 1, e.message);
    throw e;
  }
}

/** A validated run row, with the nulls of its result (non-finite numbers in JSON) turned back into NaN. */
function checkRun(v: unknown, file: string, line: number): RunRow {
  return atLine(file, line, () => runRowOf(v));
}

/** A validated trace.jsonl row (an older folder's row gets its problem from its run; see `traceRowOf`). */
function checkTraceRow(v: unknown, file: string, line: number, runs: ReadonlyMap<string, RunRow>): TraceRow {
  return atLine(file, line, () => traceRowOf(v, runs));
}

/** Reads a JSON Lines file, calling `each` with every non-blank line's value and its 1-based line number. */
async function readJsonl(file: string, each: (value: unknown, line: number) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    each(parseJson(text, file, n), n);
  }
}

/** The trace rows of a run file's trace (the same rows the sweep writes to trace.jsonl). */
export function traceRowsOf(run: RunRow, trace: RunFile['trace']): TraceRow[] {
  return traceRows({ run, trace });
}

/** Runs sorted by label, dataset, seed (numerically), then id: a stable order for files read from runs/. */
function byLabelSeed(a: RunRow, b: RunRow): number {
  return (
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0) ||
    (a.dataset.name < b.dataset.name ? -1 : a.dataset.name > b.dataset.name ? 1 : 0) ||
    a.seed - b.seed ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** A validated run file: its run (nulls back to NaN) and its trace rows. */
function readRunFile(file: string): { run: RunRow; rows: TraceRow[] } {
  const f = parseWith(
    RunFileSchema,
    parseJson(readFileSync(file, 'utf8'), file),
    file,
    1,
    'run file ({ "run": {...}, "trace": [...] })',
  );
  const run = checkRun(f.run, file, 1);
  const trace = f.trace.map((p) => ({ ...p, value: nan(p.value), gradNorm: nan(p.gradNorm), seconds: nan(p.seconds) }));
  return { run, rows: traceRowsOf(run, trace) };
}

/** The folder where `optlab import` keeps the runs of other tools. */
export const EXTERNAL_DIR = 'external';

/** Appends the runs of DIR/external/*.json (see `src/sweep/external.ts`), sorted by file name. */
function addExternal(dir: string, runs: RunRow[], traces: TraceRow[]): void {
  const ext = join(dir, EXTERNAL_DIR);
  if (!existsSync(ext)) return;
  for (const name of readdirSync(ext)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const { run, rows } = readRunFile(join(ext, name));
    if (runs.some((r) => r.id === run.id)) continue;
    runs.push(run);
    const known = run.external?.passesKnown !== false;
    for (const t of rows) traces.push(known ? t : { ...t, passes: Number.NaN });
  }
}

/** Reads a results folder (see the module comment); clear errors for a missing, empty or corrupt folder. */
export async function readResults(dir: string): Promise<Results> {
  if (!existsSync(dir)) throw new OptlabError(`cannot read results folder ${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new OptlabError(`${dir} is not a folder (expected a results folder)`);
  const runsDir = join(dir, 'runs');
  const runFiles = existsSync(runsDir)
    ? readdirSync(runsDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  const runsJsonl = join(dir, 'runs.jsonl');
  const traceJsonl = join(dir, 'trace.jsonl');
  const manifestPath = join(dir, 'manifest.json');
  const manifest: Manifest | undefined = existsSync(manifestPath)
    ? parseWith(
        ManifestSchema,
        parseJson(readFileSync(manifestPath, 'utf8'), manifestPath),
        manifestPath,
        1,
        'manifest',
      )
    : undefined;
  const opt = manifest ? { manifest } : {};

  if (existsSync(runsJsonl) && existsSync(traceJsonl)) {
    const runs: RunRow[] = [];
    await readJsonl(runsJsonl, (v, line) => runs.push(checkRun(v, runsJsonl, line)));
    if (runs.length >= runFiles.length && runs.length > 0) {
      const traces: TraceRow[] = [];
      const byId = new Map(runs.map((r) => [r.id, r]));
      await readJsonl(traceJsonl, (v, line) => traces.push(checkTraceRow(v, traceJsonl, line, byId)));
      addExternal(dir, runs, traces);
      return { runs, traces, ...opt, source: 'jsonl' };
    }
  }
  if (runFiles.length === 0) {
    const why = existsSync(runsJsonl) && !existsSync(traceJsonl) ? ` (${runsJsonl} has no trace.jsonl beside it)` : '';
    throw new OptlabError(
      `${dir} holds no results${why}: expected runs/*.json or runs.jsonl + trace.jsonl, as written by optlab sweep --out ${dir}`,
    );
  }
  const runs: RunRow[] = [];
  const traces: TraceRow[] = [];
  const byRun = new Map<string, TraceRow[]>();
  for (const name of runFiles) {
    const file = join(runsDir, name);
    const { run, rows } = readRunFile(file);
    runs.push(run);
    byRun.set(run.id, rows);
  }
  runs.sort(byLabelSeed);
  for (const r of runs) for (const t of byRun.get(r.id) ?? []) traces.push(t);
  addExternal(dir, runs, traces);
  return { runs, traces, ...opt, source: 'runs' };
}
