import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { isDatasetName, REGISTRY } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { Objective } from '../objectives/objective.js';
import { toJson } from '../run/json.js';
import {
  type EndPoint,
  groupEndPoints,
  landscapeBudget,
  landscapeMethod,
  landscapeStarts,
  minimizeFromStart,
  whichStationaryPoint,
} from '../run/landscape.js';
import type { StudyData } from '../study/data.js';
import { type ExtrasInput, type StudyExtras, studyExtras, studyLambdaMax } from '../study/extras.js';
import type { LandscapeFacts } from '../study/facts.js';
import { GROUPS, presetLabels, type StudyPreset, studySweep } from '../study/preset.js';
import { expandSweep, runFileName } from '../sweep/expand.js';
import type { Manifest, RunRow } from '../sweep/results.js';
import { readSweep } from '../sweep/schema.js';
import { writeFileAtomic } from './atomic.js';
import { type LaneTask, onData } from './lane-tasks.js';
import { loadDataset, loadTestSet } from './load.js';
import { checkOutputFolder, claimOutputFolder } from './output-folder.js';
import type { ReferenceTool } from './reference.js';
import { runSweep, type SweepEvent } from './sweep-runner.js';

export interface StudyOptions {
  out: string;
  preset: StudyPreset;
  /** Seeds of the random runs (default 3). */
  seeds?: number;
  jobs?: number;
  resume?: boolean;
  /** Write into a non-empty `out` that optlab did not create. */
  force?: boolean;
  /**
   * Training data (default a9a) and test data: a file or name, null for none, undefined for the registry's
   * pair of the training set (a9a ↔ a9a.t) if it has one, else none.
   */
  data?: string;
  testData?: string | null;
  /** The smooth loss, label encoding (default: the preset's) and L2 weight. */
  loss?: 'sigmoid-lsq' | 'logistic';
  labels?: '01' | 'pm1';
  l2?: number;
  /** Random starts of the landscape (default 5; 0 skips the landscape). */
  landscapeStarts?: number;
  /** Write PNG copies of the figures (default true). */
  png?: boolean;
  /** Run a reference implementation on the smooth problem and show it in the report (see `./reference.ts`). */
  reference?: ReferenceTool;
  signal?: AbortSignal;
  onEvent?: (e: SweepEvent) => void;
  onStage?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export interface StudySummaryRow {
  method: string;
  label: string;
  problem: string;
  gap: number;
  passes: number;
  seconds: number;
  testAccuracy: number | undefined;
}

export interface StudyOutcome {
  status: 'complete' | 'interrupted';
  out: string;
  report?: string;
  files: string[];
  manifest: Manifest;
  summary: StudySummaryRow[];
  seconds: { sweep: number; extras: number; landscape: number; report: number; total: number };
}

/** What OUT/study.json holds: the study's settings and its extras (so the report can be rebuilt from files). */
export interface StudyMeta {
  preset: StudyPreset;
  seeds: number;
  data: string;
  testData: string | null;
  extras: StudyExtras;
  /** Share of the larger class in the test set (null without one). */
  testMajority?: number | null;
  /** Where the smooth problem's minimizers end (see `optlab study`'s landscape section). */
  landscape?: LandscapeFacts | null;
  /**
   * What the landscape is computed from, written when the study is prepared: the report step computes the
   * landscape from it when `landscape` is missing (`optlab study --slurm`, whose merge job runs `optlab report`).
   */
  landscapeSetting?: LandscapeSetting;
}

/** The smooth problem of a study and the landscape's starts, as study.json records them. */
export interface LandscapeSetting {
  /** Random starts (0: no landscape). */
  starts: number;
  /** The starts' seeds are 1000 + seedOffset, 1000 + seedOffset + 1, … */
  seedOffset: number;
  /** The training data (a registry name or an absolute path) and its SHA-256, checked when it is read again. */
  data: string;
  sha256: string;
  labels: '01' | 'pm1';
  /** The first rows only (the seed preset), or null for all. */
  subset: number | null;
  loss: 'sigmoid-lsq' | 'logistic';
  l2: number;
}

export const STUDY_FILE = 'study.json';

/** Rows of the seed preset (the original notebook's first 1000 rows). */
const SEED_SUBSET = 1000;

/** Whether a results folder holds a study (then `optlab report` rebuilds the study's report). */
export function isStudyFolder(dir: string): boolean {
  return existsSync(join(dir, STUDY_FILE));
}

/** Reads OUT/study.json (typed arrays come back as plain arrays, which the report reads alike). */
export function readStudyMeta(dir: string): StudyMeta {
  const path = join(dir, STUDY_FILE);
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as StudyMeta;
    const c = meta?.extras?.correlation;
    if (typeof meta?.preset !== 'string' || !Array.isArray(c?.corr) || typeof meta.extras.stats !== 'object') {
      throw new OptlabError(`${path} is not an optlab study file (no preset, extras.stats or extras.correlation)`);
    }
    const corr = Float64Array.from(c.corr as unknown as Array<number | null>, (v) => (v === null ? Number.NaN : v));
    return { ...meta, extras: { ...meta.extras, correlation: { ...c, corr } } };
  } catch (e) {
    if (e instanceof OptlabError) throw e;
    throw new OptlabError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * The modules that build and write the report (vega, vega-lite, resvg, zod: about half a second of loading),
 * imported once, when first asked for: `runStudy` asks when its sweep begins, so that they load while the
 * sweep's workers run instead of before them.
 */
let reportModules: Promise<{
  data: typeof import('../study/data.js');
  report: typeof import('../study/report.js');
  reference: typeof import('../report/reference.js');
  writer: typeof import('./report-writer.js');
}> | null = null;
function loadReportModules() {
  reportModules ??= Promise.all([
    import('../study/data.js'),
    import('../study/report.js'),
    import('../report/reference.js'),
    import('./report-writer.js'),
  ]).then(([data, report, reference, writer]) => ({ data, report, reference, writer }));
  return reportModules;
}

/** Builds and writes the study's report from a study folder (its results and study.json). */
export async function writeStudyReport(
  dir: string,
  opts: {
    png?: boolean;
    onProgress?: (done: number, total: number, id: string) => void;
    onWarn?: (m: string) => void;
    /** Told when the report step computes the landscape first (a few seconds). */
    onStage?: (message: string) => void;
  } = {},
): Promise<{ files: string[]; data: StudyData; figures: number; meta: StudyMeta }> {
  readStudyMeta(dir); // a foreign study.json is a clear error before anything else is read
  const { data: dataModule, report: reportModule, reference, writer } = await loadReportModules();
  const { StudyData } = dataModule;
  const { buildStudyReport } = reportModule;
  const results = await writer.readResults(dir);
  const meta =
    results.manifest?.status === 'complete'
      ? await ensureStudyLandscape(dir, { onStage: opts.onStage })
      : readStudyMeta(dir);
  const land = meta.landscape ?? null;
  const data = new StudyData(results.runs, results.traces, land?.fStar ?? Number.NaN, land?.reached ?? {});
  const report = buildStudyReport(
    {
      preset: meta.preset,
      data,
      extras: meta.extras,
      seeds: meta.seeds,
      landscape: land,
      testMajority: meta.testMajority ?? null,
    },
    results.manifest,
  );
  reference.withReference(report, results.runs, results.traces);
  const figures = report.sections.reduce((n, x) => n + x.figures.length, 0);
  const files = await writer.writeReport(report, dir, opts);
  return { files, data, figures, meta };
}

/**
 * The study's landscape, computed from study.json's `landscapeSetting` when the study asks for one (starts > 0)
 * and study.json does not have it yet, then written to study.json. Needs the finished study (its reference runs
 * join the landscape). The same data, labels, rows, loss and seeds give the same landscape bit for bit, wherever
 * it is computed: after the sweep of `optlab study`, or in `optlab report` (the merge job of `optlab study
 * --slurm`). `dataset`: the training data already in memory (else it is read again and its SHA-256 checked).
 */
export async function ensureStudyLandscape(
  dir: string,
  opts: {
    dataset?: Dataset;
    onStage?: (message: string) => void;
    /** The random starts' end points, computed elsewhere (on the sweep's lanes) by `landscapeTasks`' tasks. */
    randomEnds?: EndPoint[];
  } = {},
): Promise<StudyMeta> {
  const meta = readStudyMeta(dir);
  const ls = meta.landscapeSetting;
  if (meta.landscape || ls === undefined || !(ls.starts > 0)) return meta;
  let ds = opts.dataset;
  if (ds === undefined) {
    opts.onStage?.(`reading ${ls.data} for the landscape`);
    ds = (await loadDataset(ls.data, { labels: ls.labels, ...(ls.subset === null ? {} : { subset: ls.subset }) }))
      .dataset;
  }
  if (ds.sha256 !== ls.sha256) {
    throw new OptlabError(
      `${ls.data} has SHA-256 ${ds.sha256}, but the study in ${dir} was prepared on data with SHA-256 ${ls.sha256}; the landscape needs the study's data`,
    );
  }
  opts.onStage?.(
    opts.randomEnds
      ? `the landscape: grouping the end points of ${ls.starts} random starts`
      : `the landscape: minimizing from ${ls.starts} random starts`,
  );
  const objective = new Objective(ds.X, ds.y, { loss: ls.loss, l2: ls.l2 });
  const withLandscape: StudyMeta = {
    ...meta,
    landscape: studyLandscape(dir, objective, ls.starts, ls.seedOffset, opts.randomEnds),
  };
  writeFileAtomic(join(dir, STUDY_FILE), `${toJson(withLandscape)}\n`);
  return readStudyMeta(dir);
}

/** A dataset given by path is made absolute (the sweep file lives in the results folder). */
function dataRef(spec: string): string {
  return isDatasetName(spec) && !existsSync(spec) ? spec : resolve(spec);
}

/** A study folder ready for its sweep: the sweep file, and what the extras, the landscape and the summary need. */
export interface PreparedStudy {
  sweepFile: string;
  dataset: Dataset;
  /** The training data file as read. */
  dataFile: string;
  loss: 'sigmoid-lsq' | 'logistic';
  l2: number;
  /** Random starts of the landscape (0: none). */
  starts: number;
  /** What study.json holds but the extras (see {@link writeStudyMeta}). */
  base: Omit<StudyMeta, 'extras'>;
  /** The input of `studyExtras`. */
  extrasInput: ExtrasInput;
  /** study.json and the seconds its extras took, unless `deferExtras` left them to the caller. */
  written?: { meta: StudyMeta; extrasSeconds: number };
}

/** Writes OUT/study.json: the study's settings and its extras. */
export function writeStudyMeta(out: string, base: Omit<StudyMeta, 'extras'>, extras: StudyExtras): StudyMeta {
  const { preset, seeds, data, testData, ...rest } = base;
  const meta: StudyMeta = { preset, seeds, data, testData, extras, ...rest };
  writeFileAtomic(join(out, STUDY_FILE), `${toJson(meta)}\n`);
  return meta;
}

/**
 * Prepares a study folder without running its sweep: reads the data, computes the extras, writes
 * OUT/study-sweep.json and OUT/study.json. Returns the sweep file (for `runStudy`, or `optlab study --slurm`,
 * which sends the sweep to a cluster and lets the merge job write the report). With `deferExtras` only λ_max is
 * computed (the sweep file needs it) and study.json is left to the caller (`runStudy` computes the extras on the
 * sweep's lanes, then calls {@link writeStudyMeta}).
 */
export async function prepareStudy(o: StudyOptions, opts: { deferExtras?: boolean } = {}): Promise<PreparedStudy> {
  const stage = o.onStage ?? (() => {});
  const preset = o.preset;
  const seeds = o.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1) throw new OptlabError(`--seeds must be a positive integer, got ${seeds}`);
  const dataName = o.data ?? 'a9a';
  const data = dataRef(dataName);
  // a test set only when given, or when the registry pairs one with the training set (a9a ↔ a9a.t)
  const paired = isDatasetName(dataName) && !existsSync(dataName) ? REGISTRY[dataName].test : undefined;
  const testSpec = o.testData === null ? undefined : (o.testData ?? paired);
  const testData = testSpec === undefined ? undefined : dataRef(testSpec);
  const full = preset === 'full';
  const labels = presetLabels(preset, o.labels);
  const loss = o.loss ?? 'sigmoid-lsq';
  const l2 = o.l2 ?? 0;
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new OptlabError(`--l2 must be a finite number >= 0, got ${l2}`);
  const starts = o.landscapeStarts ?? 5;

  checkOutputFolder(o.out, { resume: o.resume, force: o.force, kind: 'study' });
  stage(`reading ${dataName}`);
  const loaded = await loadDataset(data, {
    labels,
    ...(full ? {} : { subset: SEED_SUBSET }),
    onWarning: o.onWarning,
  });
  const ds = loaded.dataset;
  let testMajority: number | null = null;
  if (testData !== undefined) {
    // checks the test set against the training data (more features is an error) before any run starts
    const { test } = await loadTestSet(testData, ds, { onWarning: o.onWarning });
    let pos = 0;
    for (let i = 0; i < test.y.length; i++) if (test.y[i] === 1) pos++;
    testMajority = Math.max(pos, test.y.length - pos) / Math.max(1, test.y.length);
  }
  const extrasInput: ExtrasInput = {
    name: ds.name,
    X: ds.X,
    rawLabels: loaded.read.labels.slice(0, ds.X.rows),
    y: ds.y,
    encoding: ds.labelMap.encoding,
  };
  let extras: { extras: StudyExtras; seconds: number } | undefined;
  if (!opts.deferExtras) {
    const tx = performance.now();
    stage('gradient checks, data statistics and correlations');
    extras = { extras: studyExtras(extrasInput), seconds: 0 };
    extras.seconds = (performance.now() - tx) / 1000;
  }

  const sweepFile = join(o.out, 'study-sweep.json');
  const spec = studySweep({
    preset,
    seeds,
    lambdaMax: extras ? extras.extras.lambdaMax : studyLambdaMax(ds.X, ds.y),
    data,
    ...(testData ? { testData } : {}),
    loss,
    labels,
    l2,
  });
  const text = `${toJson(spec)}\n`;
  if (o.resume && existsSync(sweepFile) && readFileSync(sweepFile, 'utf8') !== text) {
    throw new OptlabError(`${o.out} holds a different study (other preset, seeds or data); use another --out`);
  }
  if (!o.resume && existsSync(join(o.out, 'runs'))) {
    throw new OptlabError(`${o.out} already holds results; use --resume to continue it, or another --out`);
  }
  claimOutputFolder(o.out, 'study');
  writeFileAtomic(sweepFile, text);
  const landscapeSetting: LandscapeSetting = {
    starts,
    seedOffset: full ? 0 : seeds,
    data,
    sha256: ds.sha256,
    labels,
    subset: full ? null : SEED_SUBSET,
    loss,
    l2,
  };
  const base: Omit<StudyMeta, 'extras'> = {
    preset,
    seeds,
    data,
    testData: testData ?? null,
    testMajority,
    landscapeSetting,
  };
  const prepared: PreparedStudy = {
    sweepFile,
    dataset: ds,
    dataFile: loaded.path,
    loss,
    l2,
    starts,
    base,
    extrasInput,
  };
  if (extras) prepared.written = { meta: writeStudyMeta(o.out, base, extras.extras), extrasSeconds: extras.seconds };
  return prepared;
}

/**
 * Runs the built-in study: the sweep of `studySweep` (written to OUT/study-sweep.json, so `--resume` and
 * `optlab report` work on the folder as on any sweep), the extras (data, gradient checks, stability), then
 * the report (OUT/report.html and OUT/figures/).
 */
export async function runStudy(o: StudyOptions): Promise<StudyOutcome> {
  const t0 = performance.now();
  const stage = o.onStage ?? (() => {});
  const prepared = await prepareStudy(o, { deferExtras: true });
  const { sweepFile, dataset: ds, dataFile, loss, l2, starts, base } = prepared;
  const { preset, seeds, testMajority } = base;
  const full = preset === 'full';

  // the extras, then the landscape's random starts, on the sweep's lanes before its runs (src/node/lane-tasks.ts)
  stage('running the sweep (and the gradient checks, data statistics, correlations and landscape starts)');
  const ts = performance.now();
  const tasks = studyTasks(prepared);
  let metaWritten: StudyMeta | null = null;
  let extrasSeconds = 0;
  /** study.json, with the extras from the lanes, or computed here when their task did not run (or failed). */
  const writeMeta = (fromLanes: StudyExtras | null): StudyMeta => {
    const tx = performance.now();
    if (fromLanes === null) stage('gradient checks, data statistics and correlations');
    const extras = fromLanes ?? studyExtras(prepared.extrasInput);
    if (fromLanes === null) extrasSeconds = (performance.now() - tx) / 1000;
    metaWritten = writeStudyMeta(o.out, base, extras);
    return metaWritten;
  };
  let outcome: Awaited<ReturnType<typeof runSweep>>;
  try {
    outcome = await runSweep({
      file: sweepFile,
      out: o.out,
      jobs: o.jobs,
      resume: o.resume,
      force: o.force,
      signal: o.signal,
      onEvent: (e) => {
        // the report's modules load while the workers start and run (a failure shows when the report needs them)
        if (e.type === 'begin') loadReportModules().catch(() => {});
        o.onEvent?.(e);
      },
      onWarning: o.onWarning,
      tasks,
    });
  } catch (e) {
    // study.json is written whatever happens to the sweep, as when the extras ran before it
    if (metaWritten === null) {
      try {
        writeMeta(null);
      } catch {}
    }
    throw e;
  }
  const sweepSeconds = (performance.now() - ts) / 1000;
  const results = outcome.tasks.flatMap((t) => ('result' in t ? [t.result] : []));
  const fromLanes = results.find((r) => r.type === 'extras');
  if (fromLanes?.type === 'extras') extrasSeconds = fromLanes.seconds;
  const meta = writeMeta(fromLanes?.type === 'extras' ? fromLanes.extras : null);
  const { extras } = meta;
  if (outcome.failures.length > 0) {
    throw new OptlabError(
      `${outcome.failures.length} run(s) of the study failed (first: ${outcome.failures[0].id}: ${outcome.failures[0].message.split('\n')[0]}); see ${o.out}`,
      1,
    );
  }
  const seconds = { sweep: sweepSeconds, extras: extrasSeconds, landscape: 0, report: 0, total: 0 };
  if (outcome.status === 'interrupted') {
    seconds.total = (performance.now() - t0) / 1000;
    return { status: 'interrupted', out: o.out, files: [], manifest: outcome.manifest, summary: [], seconds };
  }

  if (starts > 0) {
    const tl = performance.now();
    // the random starts ran on the sweep's lanes (if one did not, all are minimized here, as before)
    const starting = tasks.filter((t) => t.type === 'minimize').length;
    const done = results.flatMap((r) => (r.type === 'minimize' ? [r] : []));
    const randomEnds = starting > 0 && done.length === starting ? done.map((r) => r.end) : undefined;
    await ensureStudyLandscape(o.out, { dataset: ds, onStage: stage, ...(randomEnds ? { randomEnds } : {}) });
    // its own time where it ran: the grouping here, plus the minimizations on the sweep's lanes
    seconds.landscape = (performance.now() - tl) / 1000 + (randomEnds ? done.reduce((t, r) => t + r.seconds, 0) : 0);
  }

  if (o.reference === 'scipy')
    await (await import('./reference.js')).addScipyReference({
      out: o.out,
      dataFile,
      onStage: stage,
      ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      ...(full && loss === 'sigmoid-lsq' && l2 === 0 && ds.labelMap.encoding === '01'
        ? {}
        : { skip: "scipy_runs.py solves the full preset's problem only (sigmoid-lsq, labels {0, 1}, no L2)" }),
    });
  stage('writing the report');
  const tr = performance.now();
  const { files, data: studyData, meta: written } = await writeStudyReport(o.out, { png: o.png ?? true });
  seconds.report = (performance.now() - tr) / 1000;
  seconds.total = (performance.now() - t0) / 1000;

  const { factsOf } = (await loadReportModules()).report;
  const facts = factsOf({
    preset,
    data: studyData,
    extras,
    seeds,
    landscape: written.landscape ?? null,
    testMajority: testMajority ?? null,
  });
  const summary: StudySummaryRow[] = facts.cost.map((c) => ({
    method: c.name,
    label: c.label,
    problem: c.problem,
    gap: c.gap,
    passes: c.passes,
    seconds: c.seconds,
    testAccuracy: c.testAccuracy,
  }));
  return {
    status: 'complete',
    out: o.out,
    report: join(o.out, 'report.html'),
    files,
    manifest: outcome.manifest,
    summary,
    seconds,
  };
}

/** Reads a finished run's final iterate from OUT/runs/<file>.json. */
function runX(out: string, run: RunRow): Float64Array | null {
  const file = join(out, 'runs', runFileName(run.id));
  if (!existsSync(file)) return null;
  const x = (JSON.parse(readFileSync(file, 'utf8')) as { run: RunRow }).run.x;
  return Array.isArray(x) ? Float64Array.from(x, (v) => (v === null ? Number.NaN : v)) : null;
}

/** A run counts as having stopped at a stationary point when its final gradient norm is at most this. */
const STATIONARY = 1e-5;

/** The landscape's tolerance and iteration budget. */
const LANDSCAPE_BUDGET = landscapeBudget({ tol: 1e-6, maxIter: 2000 });

/**
 * The study's extras and its landscape's random starts as tasks for the sweep's lanes (src/node/lane-tasks.ts),
 * longest first, on the sweep's entry of the smooth problem's data; none when the sweep has no such entry (the
 * study then computes them itself after the sweep).
 */
function studyTasks(p: PreparedStudy): LaneTask[] {
  const { sweepFile, dataset: ds, extrasInput: ex } = p;
  const ls = p.base.landscapeSetting!;
  const runs = expandSweep(readSweep(readFileSync(sweepFile, 'utf8'), sweepFile));
  const ref = runs.find(
    (r) => r.dataset.data === ls.data && r.dataset.labels === ls.labels && (r.dataset.subset ?? null) === ls.subset,
  )?.dataset;
  if (ref === undefined) return [];
  const d = ds.X.cols;
  const starts =
    ls.starts > 0 ? landscapeStarts(d, { randomStarts: ls.starts, seed: 1000 + ls.seedOffset, zeros: false }) : [];
  return [
    { type: 'extras', ...onData(ref.key, ds), name: ex.name, rawLabels: ex.rawLabels, encoding: ex.encoding },
    ...starts.map(
      (start): LaneTask => ({
        type: 'minimize',
        ...onData(ref.key, ds),
        loss: ls.loss,
        l2: ls.l2,
        method: landscapeMethod(d),
        budget: LANDSCAPE_BUDGET,
        start,
      }),
    ),
  ];
}

/**
 * The landscape of the study's smooth problem: `starts` seeded N(0, I) starts (seeds after the study's own)
 * minimized by BFGS (L-BFGS above 1000 features) to ‖∇f‖ ≤ 1e-6, grouped with the end point of the study's
 * reference run from zeros; then every full-batch run of the smooth problem that stopped at a stationary
 * point is told which point it reached.
 */
function studyLandscape(
  out: string,
  objective: Objective,
  starts: number,
  seedOffset: number,
  randomEnds?: EndPoint[],
): LandscapeFacts {
  const dirRuns = readRunsJsonl(out);
  const smooth = dirRuns.filter((r) => r.objective.lambda === 0);
  const extra: EndPoint[] = [];
  for (const r of smooth.filter((x) => x.group === GROUPS.reference)) {
    const x = runX(out, r);
    if (x)
      extra.push({
        start: `${r.label} from ${r.init === 'randn' ? `the random start of seed ${r.seed}` : 'zeros'}`,
        x,
        value: r.result.value,
        gradNorm: r.result.gradNorm,
      });
  }
  // the order of landscape(): the extra end points, zeros (only without a reference run), the random starts
  const method = landscapeMethod(objective.d);
  const own = randomEnds
    ? [
        ...landscapeStarts(objective.d, { randomStarts: 0, zeros: extra.length === 0 }).map((s) =>
          minimizeFromStart(objective, method, LANDSCAPE_BUDGET, s),
        ),
        ...randomEnds,
      ]
    : landscapeStarts(objective.d, { randomStarts: starts, seed: 1000 + seedOffset, zeros: extra.length === 0 }).map(
        (s) => minimizeFromStart(objective, method, LANDSCAPE_BUDGET, s),
      );
  const land = groupEndPoints(objective, [...extra, ...own]);
  const reached: Record<string, number | null> = {};
  for (const r of smooth) {
    if (r.method === 'sgd' || r.method === 'adagrad' || r.method === 'adam' || r.method === 'sbfgs') continue;
    if (!(r.result.gradNorm <= STATIONARY)) continue;
    const x = runX(out, r);
    if (x) reached[r.id] = whichStationaryPoint(objective, land, x, r.result.value);
  }
  const values = land.endpoints.map((e) => e.value);
  return {
    starts: land.starts,
    fStar: land.fStar,
    minima: land.minima.map((m) => ({
      value: m.value,
      gradNorm: m.gradNorm,
      norm: m.norm,
      normRange: m.normRange,
      count: m.count,
      minEigenvalue: m.minEigenvalue,
      maxEigenvalue: m.maxEigenvalue,
      minEigenvalueResidual: m.minEigenvalueResidual,
      starts: m.starts,
    })),
    valueSpread: Math.max(...values) - Math.min(...values),
    valueTol: land.valueTol,
    distanceTol: land.distanceTol,
    barrierPoints: land.barrierPoints,
    reached,
  };
}

/** The runs of a finished study folder (runs.jsonl, written by the sweep at the end). */
function readRunsJsonl(out: string): RunRow[] {
  const text = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((l) => JSON.parse(l) as RunRow);
}
