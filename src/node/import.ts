/**
 * `optlab import DIR FILE --method NAME`: adds a run of another tool (see `src/sweep/external.ts` for the file
 * format) to a results folder, as DIR/external/<id>.json (written atomically; the sweep's own files are left
 * alone, so `--resume` and `merge` see the same folder). The run is put on the folder's problem: the only
 * one, or the one chosen by `--lambda` (and `--dataset`) when the folder holds several.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OptlabError } from '../errors.js';
import { problemKey, problemName, problemOf } from '../report/aggregate.js';
import { toJson } from '../run/json.js';
import { externalRunFile, parseExternalTrace } from '../sweep/external.js';
import type { RunRow } from '../sweep/results.js';
import { writeFileAtomic } from './atomic.js';
import { EXTERNAL_DIR, readResults } from './report-writer.js';

export interface ImportOptions {
  method: string;
  label?: string;
  tool?: string;
  seed?: number;
  /** Chooses the problem among several: its λ (L1 weight) and dataset name. */
  lambda?: number;
  dataset?: string;
  /** Replace an imported run of the same id. */
  force?: boolean;
}

/** The run whose problem the imported run is put on; see the module comment. */
function problemRun(runs: readonly RunRow[], o: ImportOptions): RunRow {
  const own = runs.filter((r) => r.external === undefined);
  const fit = own.filter(
    (r) =>
      (o.lambda === undefined || r.objective.lambda === o.lambda) &&
      (o.dataset === undefined || r.dataset.name === o.dataset),
  );
  const problems = new Map(fit.map((r) => [problemKey(r), r]));
  if (problems.size === 1) return [...problems.values()][0];
  const all = [...new Map(own.map((r) => [problemKey(r), r])).values()].map((r) => problemName(problemOf(r)));
  if (problems.size === 0)
    throw new OptlabError(`no problem of the folder matches --lambda/--dataset (it holds: ${all.join('; ')})`);
  throw new OptlabError(
    `the folder holds ${problems.size} problems: choose one with --lambda and --dataset (${all.join('; ')})`,
  );
}

/** Imports FILE into DIR; returns the path written and the run. */
export async function importRun(
  dir: string,
  file: string,
  o: ImportOptions,
): Promise<{ path: string; run: RunRow; points: number }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new OptlabError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  const points = parseExternalTrace(text, file);
  const { runs } = await readResults(dir);
  const like = problemRun(runs, o);
  const f = externalRunFile(points, {
    method: o.method,
    ...(o.label !== undefined ? { label: o.label } : {}),
    ...(o.tool !== undefined ? { tool: o.tool } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    source: basename(file),
    like,
  });
  if (!o.force && runs.some((r) => r.id === f.run.id)) {
    throw new OptlabError(`${dir} already holds a run ${f.run.id}; give another --label, or --force to replace it`);
  }
  const path = join(dir, EXTERNAL_DIR, `${f.run.id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  writeFileAtomic(path, `${toJson(f)}\n`);
  return { path, run: f.run, points: points.length };
}
