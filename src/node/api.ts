/**
 * What the CLI's sweep, report and study commands do, as library calls for a script. Each loads its modules
 * (the sweep runner, Vega, resvg and the fonts) only when called, so `import 'optlab'` stays light.
 */
import type { Report } from '../report/build.js';
import type { Results, WriteReportOptions } from './report-writer.js';
import type { StudyOptions, StudyOutcome } from './study.js';
import type { SweepOptions, SweepOutcome } from './sweep-runner.js';

export type { Report, Results, StudyOptions, StudyOutcome, SweepOptions, SweepOutcome, WriteReportOptions };

/** Runs a sweep file into a results folder (`optlab sweep FILE --out DIR`). */
export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  return (await import('./sweep-runner.js')).runSweep(o);
}

/** Runs the built-in study into a folder, report included (`optlab study --out DIR`). */
export async function runStudy(o: StudyOptions): Promise<StudyOutcome> {
  return (await import('./study.js')).runStudy(o);
}

/** Reads a results folder: its runs, traces and manifest. */
export async function readResults(dir: string): Promise<Results> {
  return (await import('./report-writer.js')).readResults(dir);
}

/** Writes a report's figures (SVG, PNG) and its self-contained report.html into a folder. */
export async function writeReport(report: Report, dir: string, opts: WriteReportOptions = {}): Promise<string[]> {
  return (await import('./report-writer.js')).writeReport(report, dir, opts);
}

export interface ReportFolderOptions extends WriteReportOptions {
  /** Title of a sweep's report (a study folder keeps the study's). */
  title?: string;
}

/**
 * Turns a results folder into figures and report.html (`optlab report DIR`): a study folder gets the study's
 * report, any other sweep folder the sweep report. Returns report.html's path and what it holds.
 */
export async function reportFolder(
  dir: string,
  opts: ReportFolderOptions = {},
): Promise<{ html: string; figures: number; runs: number }> {
  const { join } = await import('node:path');
  const { title, ...writeOpts } = opts;
  const study = await import('./study.js');
  if (study.isStudyFolder(dir)) {
    const r = await study.writeStudyReport(dir, writeOpts);
    return { html: join(dir, 'report.html'), figures: r.figures, runs: r.data.runs.length };
  }
  const writer = await import('./report-writer.js');
  const { buildSweepReport } = await import('../report/build.js');
  const { runs, traces, manifest } = await writer.readResults(dir);
  const report = buildSweepReport(runs, traces, manifest, title !== undefined ? { title } : {});
  await writer.writeReport(report, dir, writeOpts);
  return {
    html: join(dir, 'report.html'),
    figures: report.sections.reduce((s, x) => s + x.figures.length, 0),
    runs: runs.length,
  };
}
