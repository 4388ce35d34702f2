/**
 * `optlab study --reference scipy`: SciPy's L-BFGS-B, BFGS and CG on the study's smooth problem, run by
 * `bench/python/scipy_runs.py` (python3 with numpy and SciPy) and imported into the study folder as external
 * runs (`src/node/import.ts`), so the report draws them beside optlab's (see `src/report/reference.ts`).
 * Without python3 or SciPy it says so and the study goes on without the reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptlabError } from '../errors.js';
import { importRun } from './import.js';

export type ReferenceTool = 'scipy';

/** bench/python/scipy_runs.py of the installed package (found from this file, in src/ or dist/). */
function scriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'bench', 'python', 'scipy_runs.py');
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) throw new OptlabError('bench/python/scipy_runs.py is missing from the optlab installation');
    dir = up;
  }
}

/** Why SciPy cannot run here, or undefined when python3 imports numpy and scipy. */
export function scipyMissing(python = 'python3'): string | undefined {
  const r = spawnSync(python, ['-c', 'import numpy, scipy; print(scipy.__version__)'], { encoding: 'utf8' });
  if (r.error) return `${python} not found`;
  if (r.status !== 0) return `${python} cannot import numpy and scipy`;
  return undefined;
}

export interface ReferenceOptions {
  out: string;
  /** The training data file of the study (full a9a, labels {0, 1}). */
  dataFile: string;
  maxIter?: number;
  /** Why the reference does not apply to this study (then it only says so). */
  skip?: string;
  onStage?: (message: string) => void;
  onWarning?: (message: string) => void;
}

/** Runs the SciPy reference and imports it; returns the imported labels (none when SciPy is missing). */
export async function addScipyReference(o: ReferenceOptions): Promise<string[]> {
  if (o.skip !== undefined) {
    o.onWarning?.(`--reference scipy: ${o.skip}; no reference run`);
    return [];
  }
  const missing = scipyMissing();
  if (missing) {
    o.onWarning?.(
      `--reference scipy: ${missing}, so the report has no SciPy reference (install python3 with numpy and scipy)`,
    );
    return [];
  }
  o.onStage?.('SciPy reference: L-BFGS-B, BFGS and CG (bench/python/scipy_runs.py)');
  const dir = join(o.out, 'reference');
  const r = spawnSync(
    'python3',
    [scriptPath(), '--data', resolve(o.dataFile), '--out', dir, '--max-iter', String(o.maxIter ?? 500)],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (r.status !== 0)
    throw new OptlabError(`the SciPy reference failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { scipy?: string };
  const labels: Record<string, string> = {
    'scipy-lbfgsb': 'SciPy L-BFGS-B',
    'scipy-bfgs': 'SciPy BFGS',
    'scipy-cg': 'SciPy CG',
  };
  const out: string[] = [];
  for (const [method, label] of Object.entries(labels)) {
    const run = await importRun(o.out, join(dir, `${method}.csv`), {
      method,
      label,
      tool: `scipy ${summary.scipy ?? ''}`.trim(),
      lambda: 0,
      force: true,
    });
    out.push(run.run.label);
  }
  return out;
}
