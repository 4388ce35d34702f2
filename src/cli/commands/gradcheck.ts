import type { Command } from 'commander';
import { gradcheck } from '../../objectives/gradcheck.js';
import {
  addDataOptions,
  addObjectiveOptions,
  type DataOptions,
  loadFromOptions,
  type ObjectiveOptions,
  objectiveFrom,
} from '../data-options.js';
import { formatNumber, textTable, toJson } from '../output.js';
import { nonNegativeInt, positiveInt } from '../parse.js';

interface GradcheckFlags extends DataOptions, ObjectiveOptions {
  points: number;
  seed: number;
  rows?: number;
  fdCoordinates?: number;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program.command('gradcheck');
  addObjectiveOptions(addDataOptions(cmd))
    .option('--points <k>', 'random points besides zero and the large-margin points', positiveInt, 3)
    .option('--seed <s>', 'seed of the points and directions (an integer >= 0)', nonNegativeInt, 1)
    .option('--rows <n>', 'check on the first n rows only (faster)', positiveInt)
    .option('--fd-coordinates <k>', 'coordinates checked by finite differences (default: all up to 256)', positiveInt)
    .option('--json', 'print JSON with every error')
    .action(async (o: GradcheckFlags) => {
      const { dataset } = await loadFromOptions(o, o.json);
      const objective = objectiveFrom(dataset, o);
      const report = gradcheck(objective, {
        points: o.points,
        seed: o.seed,
        rows: o.rows,
        fdCoordinates: o.fdCoordinates,
      });
      if (o.json) process.stdout.write(`${toJson({ dataset: dataset.name, objective: o.objective, ...report })}\n`);
      else {
        const t = report.tolerances;
        process.stdout.write(
          `gradient check of ${o.objective} on ${dataset.name} (${report.n} rows, ${objective.d} features; finite differences on ${report.fdCoordinates} coordinates)\n\n` +
            `${textTable(
              ['point', 'max|a.x|', 'explicit vs autodiff', 'explicit vs FD', 'Hv vs FD', 'Hv vs autodiff', 'ok'],
              report.rows.map((r) => [
                r.point,
                r.maxAbsZ,
                r.errAutodiff,
                r.errFiniteDiff,
                r.errHessVec,
                r.errHessVecAutodiff,
                r.ok ? 'yes' : 'NO',
              ]),
            )}\n\ntolerances: autodiff ${formatNumber(t.autodiff)}, finite differences ${formatNumber(t.finiteDiff)}, Hv ${formatNumber(t.hessVec)}, Hv autodiff ${formatNumber(t.hessVecAutodiff)}\n` +
            `${report.ok ? 'all checks passed' : 'SOME CHECKS FAILED'}\n`,
        );
      }
      if (!report.ok) process.exitCode = 1;
    });
}
