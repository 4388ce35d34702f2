import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { runStudy } from '../../node/api.js';
import { addSlurmOptions, type ClusterFlags, checkSlurmFlags, runSlurm } from '../cluster-options.js';
import { formatNumber, textTable } from '../output.js';
import { nonNegative, nonNegativeInt, positiveInt } from '../parse.js';
import { createDisplay } from '../progress.js';

interface StudyFlags extends ClusterFlags {
  out?: string;
  preset: 'full' | 'seed';
  seeds: number;
  jobs?: number;
  resume?: boolean;
  force?: boolean;
  png: boolean;
  data: string;
  testData?: string | false;
  objective: 'sigmoid-lsq' | 'logistic';
  labels?: '01' | 'pm1';
  l2: number;
  landscapeStarts: number;
  quiet?: boolean;
  reference?: 'scipy';
}

/** `results/study-<timestamp>` (local time, sortable, no characters a shell would mind). */
export function defaultStudyOut(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return join('results', `study-${stamp}`);
}

export function register(program: Command): void {
  const cmd = program
    .command('study')
    .option('--out <dir>', 'results folder (default: results/study-<timestamp>)')
    .addOption(
      new Option(
        '--preset <name>',
        'full: all of a9a, labels {0,1}, zeros; seed: the original setting (1000 rows, labels ±1, random start)',
      )
        .choices(['full', 'seed'])
        .default('full'),
    )
    .option('--seeds <k>', 'seeds of the random runs (at least 3 recommended)', positiveInt, 3)
    .option('--jobs <n>', 'runs in parallel (default: the number of cores)', positiveInt)
    .option('--resume', 'continue an interrupted study in --out')
    .option('--force', 'write into a non-empty --out folder that optlab did not create')
    .option('--no-png', 'write the figures as SVG only')
    .option('--data <name|file>', 'training data (any LIBSVM binary dataset)', 'a9a')
    .option(
      '--test-data <name|file>',
      "test data for test accuracy (default: the registry's pair of --data, a9a -> a9a.t; none for other files)",
    )
    .option('--no-test-data', 'no test set')
    .addOption(
      new Option('--objective <name>', 'smooth loss').choices(['sigmoid-lsq', 'logistic']).default('sigmoid-lsq'),
    )
    .addOption(
      new Option('--labels <encoding>', 'label encoding (default: 01 for --preset full, pm1 for seed)').choices([
        '01',
        'pm1',
      ]),
    )
    .option('--l2 <M>', 'L2 weight: adds (M/2)*||x||^2', nonNegative, 0)
    .option('--landscape-starts <k>', 'random starts of the landscape section (0: no landscape)', nonNegativeInt, 5)
    .option('--quiet', 'no progress display')
    .addOption(
      new Option(
        '--reference <tool>',
        "also run SciPy's L-BFGS-B, BFGS and CG (python3 + scipy) and show them in the report",
      ).choices(['scipy']),
    );
  addSlurmOptions(cmd).action(async (o: StudyFlags) => {
    const out = o.out ?? defaultStudyOut();
    checkSlurmFlags(o);
    if (!o.slurm) {
      // the sweep's workers load on the other cores while this thread loads the study and reads the data
      const { prestartLanes } = await import('../../node/lane-pool.js');
      prestartLanes(o.jobs ?? availableParallelism());
    }
    const setting = {
      out,
      preset: o.preset,
      seeds: o.seeds,
      resume: o.resume,
      force: o.force,
      data: o.data,
      testData: o.testData === false ? null : o.testData,
      loss: o.objective,
      ...(o.labels ? { labels: o.labels } : {}),
      l2: o.l2,
      landscapeStarts: o.landscapeStarts,
    };
    if (o.slurm) {
      // the extras and the sweep file here; the runs on the cluster; the merge job writes the study's report
      const { prepareStudy } = await import('../../node/study.js');
      const display = createDisplay(o.quiet);
      let sweepFile: string;
      try {
        ({ sweepFile } = await prepareStudy({
          ...setting,
          onStage: (m) => display.stage(m),
          onWarning: (m) => display.log(`optlab: warning: ${m}`),
        }));
      } finally {
        display.stop();
      }
      return runSlurm(o, sweepFile, out, {
        reportArgs: o.png ? [] : ['--no-png'],
        reportPartial: false, // the study's report needs every run (its reference runs fix f*)
        name: `optlab-study-${o.preset}`,
      });
    }
    const display = createDisplay(o.quiet);
    const ctl = new AbortController();
    let sigints = 0;
    const onSigint = () => {
      sigints++;
      if (sigints > 1) process.exit(130);
      display.log('optlab: interrupted: abandoning the runs in flight, keeping the finished ones');
      ctl.abort();
    };
    process.on('SIGINT', onSigint);
    let result: Awaited<ReturnType<typeof runStudy>>;
    try {
      result = await runStudy({
        ...setting,
        jobs: o.jobs,
        png: o.png,
        ...(o.reference ? { reference: o.reference } : {}),
        signal: ctl.signal,
        onEvent: (e) => display.event(e),
        onStage: (m) => display.stage(m),
        onWarning: (m) => display.log(`optlab: warning: ${m}`),
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      display.stop();
    }
    const r = result.manifest.runs;
    if (result.status === 'interrupted') {
      process.stdout.write(
        `study interrupted: ${r.finished} of ${r.total} runs kept in ${out}\ncontinue with: optlab study --out ${out} --preset ${o.preset} --seeds ${o.seeds} --resume\n`,
      );
      process.exitCode = 130;
      return;
    }
    const s = result.seconds;
    const table = textTable(
      ['method', 'run', 'problem', 'F - f*', 'passes', 'seconds', 'test acc.'],
      result.summary.map((x) => [
        x.method,
        x.label,
        x.problem,
        formatNumber(x.gap),
        formatNumber(Number(x.passes.toPrecision(4))),
        formatNumber(Number(x.seconds.toPrecision(3))),
        x.testAccuracy === undefined ? '' : `${(100 * x.testAccuracy).toFixed(2)}%`,
      ]),
    );
    const figures = result.files.filter((f) => f.endsWith('.svg')).length;
    process.stdout.write(
      `${table}\n\nstudy (${o.preset}) complete in ${s.total.toFixed(1)} s (sweep ${s.sweep.toFixed(1)} s, checks ${s.extras.toFixed(1)} s, landscape ${s.landscape.toFixed(1)} s, report ${s.report.toFixed(1)} s): ${r.finished} runs, ${figures} figures\nreport: ${result.report}\n`,
    );
  });
}
