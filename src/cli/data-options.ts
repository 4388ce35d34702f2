import { type Command, Option } from 'commander';
import type { Dataset } from '../data/dataset.js';
import { LABEL_ENCODINGS, type LabelEncoding } from '../data/labels.js';
import { checkDenseMemory, type InputLimits, LIMIT_NAMES, parseLimit, resolveLimits } from '../data/limits.js';
import { type Loaded, loadDataset } from '../node/load.js';
import { LOSS_NAMES, type LossName } from '../objectives/losses.js';
import { Objective } from '../objectives/objective.js';
import { finiteNumber, nonNegative, positiveInt } from './parse.js';
import { progress } from './progress.js';

/** Options every command that reads a dataset shares. */
export interface DataOptions {
  data: string;
  labels: LabelEncoding;
  positive?: number;
  features?: number;
  subset?: number;
  maxLineBytes?: number;
  maxTokenBytes?: number;
  maxInflateRatio?: number;
  maxInflatedBytes?: number;
  maxDenseBytes?: number;
}

/** The input limits the flags give (the others come from OPTLAB_MAX_* or the defaults; src/data/limits.ts). */
export function limitsFromOptions(o: DataOptions): InputLimits {
  const given: Partial<InputLimits> = {};
  for (const key of Object.keys(LIMIT_NAMES) as Array<keyof InputLimits>) if (o[key] !== undefined) given[key] = o[key];
  return resolveLimits(given, process.env);
}

export interface ObjectiveOptions {
  objective: LossName;
  lambda: number;
  l2: number;
}

export function addDataOptions(cmd: Command, { subset = true } = {}): Command {
  cmd
    .requiredOption('--data <name|file>', 'registry dataset name (a9a, a9a.t) or LIBSVM file (plain or gzip)')
    .addOption(
      new Option('--labels <encoding>', 'label encoding: 01 = {0,1}, pm1 = {-1,+1} (the original study)')
        .choices(LABEL_ENCODINGS as string[])
        .default('01'),
    )
    .option('--positive <value>', 'raw label value of the positive class (default: the larger)', finiteNumber)
    .option('--features <d>', 'number of features (default: registry value or largest index)', positiveInt);
  if (subset) cmd.option('--subset <n>', 'keep only the first N rows (the study used 1000)', positiveInt);
  const help: Record<keyof InputLimits, string> = {
    maxLineBytes: 'longest line of a LIBSVM file (default 64MiB)',
    maxTokenBytes: 'longest label, index or value (default 4KiB)',
    maxInflateRatio: 'largest gzip inflation ratio past the first 64 MiB (default 200)',
    maxInflatedBytes: 'largest inflated size of a gzip file (default 16GiB)',
    maxDenseBytes: 'largest memory of dense vectors of length d a run may take (default 2GiB)',
  };
  for (const key of Object.keys(LIMIT_NAMES) as Array<keyof InputLimits>) {
    const { flag, env } = LIMIT_NAMES[key];
    cmd.option(`${flag} <${LIMIT_NAMES[key].size ? 'size' : 'x'}>`, `${help[key]}; also ${env}`, (v: string) =>
      parseLimit(key, v),
    );
  }
  return cmd;
}

export function addObjectiveOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--objective <name>', 'smooth loss').choices(LOSS_NAMES as string[]).default('sigmoid-lsq'))
    .option('--lambda <L>', 'L1 weight: adds L*||x||_1', nonNegative, 0)
    .option('--l2 <M>', 'L2 weight: adds (M/2)*||x||^2', nonNegative, 0);
}

/** Loads the dataset named by the options, with a download bar if it must be fetched. */
export async function loadFromOptions(o: DataOptions, quiet = false): Promise<Loaded> {
  const bar = progress('download', { quiet, unit: 'bytes' });
  try {
    return await loadDataset(o.data, {
      labels: o.labels,
      positive: o.positive,
      features: o.features,
      subset: o.subset,
      limits: limitsFromOptions(o),
      onWarning: (m) => process.stderr.write(`optlab: warning: ${m}\n`),
      onDownload: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
}

/** The objective on a dataset, after checking that its dense vectors fit the limit (`--max-dense-bytes`). */
export function objectiveFrom(ds: Dataset, o: ObjectiveOptions & Partial<DataOptions>): Objective {
  checkDenseMemory(
    `the objective on ${ds.X.cols} features`,
    ds.X.cols,
    4,
    limitsFromOptions(o as DataOptions).maxDenseBytes,
  );
  return new Objective(ds.X, ds.y, { loss: o.objective, l1: o.lambda, l2: o.l2 });
}
