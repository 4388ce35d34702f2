import { join } from 'node:path';
import type { Command } from 'commander';
import type { Dataset } from '../../data/dataset.js';
import { OptlabError } from '../../errors.js';
import { CLI_VOICE, resolveParams } from '../../methods/index.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { loadTestSet } from '../../node/load.js';
import { createParallelObjective, MIN_NNZ_PER_THREAD } from '../../node/parallel-objective.js';
import { Objective } from '../../objectives/objective.js';
import { ParallelObjective } from '../../objectives/parallel.js';
import { checkRunMemory } from '../../run/memory-guard.js';
import { accuracy, defaultBudgets, prepare } from '../../run/minimize.js';
import { runConfig, runRecord, traceCsv } from '../../run/record.js';
import { STOP_REASONS } from '../../run/result.js';
import {
  addDataOptions,
  addObjectiveOptions,
  type DataOptions,
  limitsFromOptions,
  loadFromOptions,
  type ObjectiveOptions,
} from '../data-options.js';
import { addMethodOptions, type MethodFlags, methodParams, runOptions } from '../method-options.js';
import { formatNumber, toJson } from '../output.js';
import { positiveInt } from '../parse.js';
import { progress } from '../progress.js';

interface RunFlags extends DataOptions, ObjectiveOptions, MethodFlags {
  testData?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  threads: number;
}

export function register(program: Command): void {
  const cmd = program.command('run');
  addMethodOptions(addObjectiveOptions(addDataOptions(cmd)))
    .option('--test-data <name|file>', 'test set (same label mapping and dimension) for test accuracy')
    .option('--json', 'print the run as JSON (config, dataset, result, trace)')
    .option('--out <dir>', 'write run.json and trace.csv into this folder')
    .option('--quiet', 'no progress display')
    .option(
      '--threads <n>',
      `threads for full-data evaluations (each thread needs ${MIN_NNZ_PER_THREAD / 1000}k non-zeros)`,
      positiveInt,
      1,
    )
    .action(async (o: RunFlags) => {
      // the method, its parameters and budgets are checked before any data is read
      resolveParams(o.method, methodParams(o), o.lambda, CLI_VOICE);
      defaultBudgets(o.method, runOptions(o), CLI_VOICE);
      const quiet = o.quiet || o.json;
      let train = (await loadFromOptions(o, quiet)).dataset;
      let test: typeof train | undefined;
      if (o.testData)
        ({ train, test } = await loadTestSet(o.testData, train, {
          onWarning: (m) => process.stderr.write(`optlab: warning: ${m}\n`),
        }));
      checkRunMemory(o.method, train.X.cols, methodParams(o), limitsFromOptions(o).maxDenseBytes);
      const spec = { loss: o.objective, l1: o.lambda, l2: o.l2 };
      const objective =
        o.threads > 1
          ? await createParallelObjective(train.X, train.y, spec, { threads: o.threads })
          : new Objective(train.X, train.y, spec);
      // the parallel objective holds the only copy it needs (in shared memory): let the loader's arrays go
      train = { ...train, X: objective.X, y: objective.y };
      try {
        await runAndReport(o, train, test, objective, quiet);
      } finally {
        if (objective instanceof ParallelObjective) await objective.close();
      }
    });
}

async function runAndReport(
  o: RunFlags,
  train: Dataset,
  test: Dataset | undefined,
  objective: Objective,
  quiet?: boolean,
) {
  const opts = runOptions(o);
  const { runner, params, budgets } = prepare(objective, { method: o.method, ...methodParams(o) }, opts, CLI_VOICE);
  const bar = progress(o.method, { quiet, unit: budgets.maxIter !== undefined ? 'iter' : 'epochs' });
  const total = budgets.maxIter ?? budgets.epochs ?? 0;
  const onSigint = () => runner.interrupt('interrupted by Ctrl-C');
  process.once('SIGINT', onSigint);
  const show = () => {
    const last = runner.trace[runner.trace.length - 1];
    if (last === undefined) return;
    const done = budgets.maxIter !== undefined ? last.iter : last.epoch;
    if (total > 0) bar.update(Math.min(done, total), total, `f=${formatNumber(last.value)}`);
  };
  try {
    while (!runner.advance(100)) {
      show();
      await new Promise((r) => setImmediate(r));
    }
    show(); // the end (the bar's last frame, the plain lines' last line)
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar.stop();
  }
  const r = runner.result();
  const config = runConfig({
    method: o.method,
    params,
    objective: o.objective,
    lambda: o.lambda,
    l2: o.l2,
    labels: o.labels,
    subset: o.subset,
    init: o.init,
    seed: o.seed,
    budgets,
  });
  const info = (d: typeof train) => ({ name: d.name, sha256: d.sha256, rows: d.X.rows, features: d.X.cols });
  const record = runRecord(config, info(train), r, {
    trainAccuracy: accuracy(train.X, train.y, r.x),
    ...(test ? { testAccuracy: accuracy(test.X, test.y, r.x), testDataset: info(test) } : {}),
  });
  if (o.out) {
    writeFileAtomic(join(o.out, 'run.json'), `${toJson(record)}\n`);
    writeFileAtomic(join(o.out, 'trace.csv'), traceCsv(r.trace, train.X.rows));
  }
  if (o.json) process.stdout.write(`${toJson(record)}\n`);
  else {
    const c = r.counts;
    const lines = [
      `${o.method} on ${train.name} (${objective.n} rows, ${objective.d} features), ${o.objective}${o.lambda ? ` + ${o.lambda}*||x||_1` : ''}${o.l2 ? ` + ${o.l2}/2*||x||^2` : ''}, labels ${o.labels}`,
      `stopped    ${r.stopReason}: ${r.message}`,
      `value      ${r.value}`,
      `grad norm  ${formatNumber(r.gradNorm)}`,
      `iterations ${r.iterations}  (epochs ${r.epochs})`,
      `cost       ${c.sampleGradients} sample gradients = ${formatNumber(c.passes)} passes, ${c.oracleCalls} oracle calls, ${c.vectorUpdates} vector updates`,
      `time       ${formatNumber(r.seconds)} s${objective instanceof ParallelObjective ? ` on ${objective.threads} threads` : ''}`,
      `sparsity   ${formatNumber(r.sparsity * 100)}% zeros`,
      `accuracy   train ${formatNumber(record.result.trainAccuracy! * 100)}%${record.result.testAccuracy !== undefined ? `, test ${formatNumber(record.result.testAccuracy * 100)}%` : ''}`,
      o.out ? `written    ${join(o.out, 'run.json')}, ${join(o.out, 'trace.csv')}` : '',
    ];
    process.stdout.write(`${lines.filter((l) => l).join('\n')}\n`);
  }
  if (r.stopReason === 'diverged') {
    process.stderr.write(`optlab: warning: the run diverged (${r.message}); the result is the last finite iterate\n`);
  }
  if (r.stopReason === 'line-search-failed' || r.stopReason === 'saturated' || r.stopReason === 'plateau')
    process.stderr.write(`optlab: warning: ${r.stopReason}: ${STOP_REASONS[r.stopReason]}: ${r.message}\n`);
  if (r.stopReason === 'interrupted') process.exitCode = 130;
  if (!Number.isFinite(r.value) && r.stopReason !== 'diverged')
    throw new OptlabError('the run produced no finite value');
}
