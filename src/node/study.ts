import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDatasetName } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { withReference } from '../report/reference.js';
import { toJson } from '../run/json.js';
import { StudyData } from '../study/data.js';
import { type StudyExtras, studyExtras } from '../study/extras.js';
import { type StudyPreset, studySweep } from '../study/preset.js';
import { buildStudyReport, representatives } from '../study/sections.js';
import type { Manifest } from '../sweep/results.js';
import { writeFileAtomic } from './atomic.js';
import { loadDataset } from './load.js';
import { addScipyReference, type ReferenceTool } from './reference.js';
import { readResults, writeReport } from './report-writer.js';
import { runSweep, type SweepEvent } from './sweep-runner.js';

export interface StudyOptions {
  out: string;
  preset: StudyPreset;
  /** Seeds of the random runs (default 3). */
  seeds?: number;
  jobs?: number;
  resume?: boolean;
  /** Training and test data (default a9a and a9a.t). */
  data?: string;
  testData?: string | null;
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
  seconds: { sweep: number; extras: number; report: number; total: number };
}

/** What OUT/study.json holds: the study's settings and its extras (so the report can be rebuilt from files). */
export interface StudyMeta {
  preset: StudyPreset;
  seeds: number;
  data: string;
  testData: string | null;
  extras: StudyExtras;
}

export const STUDY_FILE = 'study.json';

/** Whether a results folder holds a study (then `optlab report` rebuilds the study's report). */
export function isStudyFolder(dir: string): boolean {
  return existsSync(join(dir, STUDY_FILE));
}

/** Reads OUT/study.json (typed arrays come back as plain arrays, which the report reads alike). */
export function readStudyMeta(dir: string): StudyMeta {
  const path = join(dir, STUDY_FILE);
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as StudyMeta;
    const c = meta.extras.correlation;
    const corr = Float64Array.from(c.corr as unknown as Array<number | null>, (v) => (v === null ? Number.NaN : v));
    return { ...meta, extras: { ...meta.extras, correlation: { ...c, corr } } };
  } catch (e) {
    throw new OptlabError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Builds and writes the study's report from a study folder (its results and study.json). */
export async function writeStudyReport(
  dir: string,
  opts: {
    png?: boolean;
    onProgress?: (done: number, total: number, id: string) => void;
    onWarn?: (m: string) => void;
  } = {},
): Promise<{ files: string[]; data: StudyData; figures: number }> {
  const meta = readStudyMeta(dir);
  const results = await readResults(dir);
  const data = new StudyData(results.runs, results.traces);
  const report = buildStudyReport(
    { preset: meta.preset, data, extras: meta.extras, seeds: meta.seeds },
    results.manifest,
  );
  withReference(report, results.runs, results.traces);
  const figures = report.sections.reduce((n, x) => n + x.figures.length, 0);
  const files = await writeReport(report, dir, opts);
  return { files, data, figures };
}

/** A dataset given by path is made absolute (the sweep file lives in the results folder). */
function dataRef(spec: string): string {
  return isDatasetName(spec) && !existsSync(spec) ? spec : resolve(spec);
}

/**
 * Runs the built-in study: the sweep of `studySweep` (written to OUT/study-sweep.json, so `--resume` and
 * `optlab report` work on the folder as on any sweep), the extras (data, gradient checks, stability), then
 * the report (OUT/report.html and OUT/figures/).
 */
export async function runStudy(o: StudyOptions): Promise<StudyOutcome> {
  const t0 = performance.now();
  const stage = o.onStage ?? (() => {});
  const preset = o.preset;
  const seeds = o.seeds ?? 3;
  if (!Number.isInteger(seeds) || seeds < 1) throw new OptlabError(`--seeds must be a positive integer, got ${seeds}`);
  const data = dataRef(o.data ?? 'a9a');
  const testData = o.testData === null ? undefined : dataRef(o.testData ?? 'a9a.t');
  const full = preset === 'full';

  stage(`reading ${o.data ?? 'a9a'}`);
  const loaded = await loadDataset(data, {
    labels: full ? '01' : 'pm1',
    ...(full ? {} : { subset: 1000 }),
    onWarning: o.onWarning,
  });
  const ds = loaded.dataset;
  const tx = performance.now();
  stage('gradient checks, data statistics and correlations');
  const extras: StudyExtras = studyExtras({
    name: ds.name,
    X: ds.X,
    rawLabels: loaded.read.labels.subarray(0, ds.X.rows),
    y: ds.y,
    encoding: ds.labelMap.encoding,
  });
  const extrasSeconds = (performance.now() - tx) / 1000;

  const sweepFile = join(o.out, 'study-sweep.json');
  const spec = studySweep({ preset, seeds, lambdaMax: extras.lambdaMax, data, ...(testData ? { testData } : {}) });
  const text = `${toJson(spec)}\n`;
  if (o.resume && existsSync(sweepFile) && readFileSync(sweepFile, 'utf8') !== text) {
    throw new OptlabError(`${o.out} holds a different study (other preset, seeds or data); use another --out`);
  }
  if (!o.resume && existsSync(join(o.out, 'runs'))) {
    throw new OptlabError(`${o.out} already holds results; use --resume to continue it, or another --out`);
  }
  writeFileAtomic(sweepFile, text);
  const meta: StudyMeta = { preset, seeds, data, testData: testData ?? null, extras };
  writeFileAtomic(join(o.out, STUDY_FILE), `${toJson(meta)}\n`);

  stage('running the sweep');
  const ts = performance.now();
  const outcome = await runSweep({
    file: sweepFile,
    out: o.out,
    jobs: o.jobs,
    resume: o.resume,
    signal: o.signal,
    onEvent: o.onEvent,
    onWarning: o.onWarning,
  });
  const sweepSeconds = (performance.now() - ts) / 1000;
  if (outcome.failures.length > 0) {
    throw new OptlabError(
      `${outcome.failures.length} run(s) of the study failed (first: ${outcome.failures[0].id}: ${outcome.failures[0].message.split('\n')[0]}); see ${o.out}`,
      1,
    );
  }
  const seconds = { sweep: sweepSeconds, extras: extrasSeconds, report: 0, total: 0 };
  if (outcome.status === 'interrupted') {
    seconds.total = (performance.now() - t0) / 1000;
    return { status: 'interrupted', out: o.out, files: [], manifest: outcome.manifest, summary: [], seconds };
  }

  if (o.reference === 'scipy')
    await addScipyReference({
      out: o.out,
      dataFile: loaded.path,
      onStage: stage,
      ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      ...(full ? {} : { skip: 'the seed preset is not the problem scipy_runs.py solves' }),
    });
  stage('writing the report');
  const tr = performance.now();
  const { files, data: studyData } = await writeStudyReport(o.out, { png: o.png ?? true });
  seconds.report = (performance.now() - tr) / 1000;
  seconds.total = (performance.now() - t0) / 1000;

  const reps = representatives(studyData);
  const summary: StudySummaryRow[] = [...reps.smooth, ...reps.l1].map((r) => ({
    method: r.name,
    label: r.label,
    problem: r.runs[0].objective.lambda === 0 ? 'λ = 0' : `λ = ${r.runs[0].objective.lambda}`,
    gap: studyData.mean(r.runs, (x) => studyData.finalGap(x)),
    passes: studyData.mean(r.runs, (x) => x.result.counts.passes),
    seconds: studyData.mean(r.runs, (x) => x.result.seconds),
    testAccuracy:
      r.runs[0].result.testAccuracy === undefined ? undefined : studyData.mean(r.runs, (x) => x.result.testAccuracy),
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
