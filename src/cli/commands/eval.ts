import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OptlabError } from '../../errors.js';
import {
  addDataOptions,
  addObjectiveOptions,
  type DataOptions,
  loadFromOptions,
  type ObjectiveOptions,
  objectiveFrom,
} from '../data-options.js';
import { formatNumber, toJson } from '../output.js';

interface EvalOptions extends DataOptions, ObjectiveOptions {
  at: string;
  json?: boolean;
}

/** Reads `--at zeros` or a JSON file holding an array of d numbers. */
export function readPoint(at: string, d: number): Float64Array {
  if (at === 'zeros') return new Float64Array(d);
  let text: string;
  try {
    text = readFileSync(at, 'utf8');
  } catch {
    throw new OptlabError(
      `cannot read ${at}: no such file (--at takes 'zeros' or a JSON file with an array of ${d} numbers)`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new OptlabError(`${at}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v)) throw new OptlabError(`${at}: expected a JSON array of ${d} numbers`);
  if (v.length !== d) throw new OptlabError(`${at}: expected ${d} numbers (one per feature), got ${v.length}`);
  const x = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    if (typeof v[j] !== 'number' || !Number.isFinite(v[j])) {
      throw new OptlabError(`${at}: element ${j} is not a finite number`);
    }
    x[j] = v[j];
  }
  return x;
}

export function register(program: Command): void {
  const cmd = program.command('eval');
  addObjectiveOptions(addDataOptions(cmd))
    .requiredOption('--at <zeros|file.json>', "the point: 'zeros' or a JSON file with an array of d numbers")
    .option('--json', 'print JSON: {"value", "gradNorm", "gradient"}')
    .action(async (o: EvalOptions) => {
      const { dataset } = await loadFromOptions(o, o.json);
      const obj = objectiveFrom(dataset, o);
      const x = readPoint(o.at, obj.d);
      const g = new Float64Array(obj.d);
      const f = obj.valueGrad(x, g);
      const value = obj.totalFromSmooth(f, x);
      let sq = 0;
      for (let j = 0; j < g.length; j++) sq += g[j] * g[j];
      const gradNorm = Math.sqrt(sq);
      if (o.json) {
        process.stdout.write(`${toJson({ value, gradNorm, gradient: g })}\n`);
        return;
      }
      const lines = [
        `objective  ${o.objective}${o.lambda ? ` + ${o.lambda}*||x||_1` : ''}${o.l2 ? ` + ${o.l2}/2*||x||^2` : ''} on ${dataset.name} (labels ${o.labels}, ${obj.n} rows, ${obj.d} features)`,
        `value      ${value}`,
        `grad norm  ${gradNorm}${o.lambda ? '  (gradient of the smooth part)' : ''}`,
        `gradient   [${Array.from(g.subarray(0, 8), formatNumber).join(', ')}${g.length > 8 ? `, ... (${g.length})` : ''}]`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
