/**
 * The row formats of a results folder (see `./results.ts`) as zod schemas: what `optlab report`, `export` and
 * `import` accept from `runs.jsonl`, `trace.jsonl`, `runs/<file>.json` and `manifest.json`. Everything read
 * from such a folder passes through these schemas before it reaches a table, a figure or the HTML page, so a
 * hostile or foreign file is refused with the field that breaks the rule (not rendered, and never a crash).
 *
 * Strings are any text (the page escapes them all), numbers are JSON numbers, and `null` stands for a
 * non-finite number where a run can produce one (a diverged value, a NaN gradient norm): `toJson` writes NaN
 * and ±Infinity as null. Unknown keys are dropped. The published JSON Schema files are generated from
 * these schemas and checked against them in the tests.
 *
 * Core-safe: no Node API.
 */
import { z } from 'zod';

/** A JSON number, or null for a non-finite one (NaN, ±Infinity). */
const num = z.number().nullable();
const count = z.number().nonnegative();
const sha = z.string().max(200);
const text = z.string().max(10_000);
const name = z.string().min(1).max(2_000);

/** A parameter value of a sweep grid. */
export const ParamValueSchema = z.union([z.number(), z.string().max(10_000), z.boolean()]);
const params = z.record(z.string().max(200), ParamValueSchema);

const dataset = z.object({
  name,
  sha256: sha,
  rows: count,
  features: count,
});

export const RunRowSchema = z.object({
  id: name.describe('unique within the sweep: label@dataset#seed'),
  label: name.describe('stable parametrized name with sorted keys, e.g. `sgd[batch=16,step=2.5]`'),
  group: name.optional().describe('the group the sweep file gave the method entry'),
  method: name.describe('an optlab method name, or the name given to `optlab import` for an external run'),
  external: z
    .object({ tool: name, source: text, passesKnown: z.boolean() })
    .optional()
    .describe('set on runs added by `optlab import`: the tool, the source file, whether passes are known'),
  given: params.default({}).describe('the values given for this run in the sweep file'),
  params: params.default({}).describe('the complete, resolved method parameters'),
  objective: z.object({
    loss: name,
    lambda: z.number(),
    l2: z.number(),
    labels: name,
  }),
  dataset: dataset.extend({ subset: count.optional() }),
  testDataset: dataset.optional(),
  seed: z.number(),
  init: text.default(''),
  budgets: z
    .object({
      maxIter: num.optional(),
      epochs: num.optional(),
      maxPasses: num.optional(),
      timeLimit: num.optional(),
      tol: num.optional(),
      traceEvery: num.optional(),
    })
    .default({}),
  result: z.object({
    value: num,
    gradNorm: num,
    iterations: count,
    epochs: count,
    stopReason: name,
    message: text.default(''),
    counts: z.object({
      sampleGradients: count,
      oracleCalls: count,
      vectorUpdates: count,
      passes: num,
    }),
    seconds: num,
    sparsity: num.default(null),
    trainAccuracy: num.optional(),
    testAccuracy: num.optional(),
  }),
});

/** One point of a run's trace (as in `runs/<file>.json`). */
export const TracePointSchema = z.object({
  iter: count,
  epoch: count,
  value: num,
  gradNorm: num,
  seconds: num,
  sampleGradients: count,
  oracleCalls: count,
  vectorUpdates: count,
});

/**
 * One row of `trace.jsonl`: a trace point with its run's id, label, method, problem (dataset, subset, loss, λ,
 * l2, labels) and seed.
 */
export const TraceRowSchema = z.object({
  id: name,
  label: name,
  group: name.optional(),
  method: name,
  dataset: name,
  subset: count.optional().describe('set when the run used only the first `subset` rows of the dataset'),
  loss: name.describe('the smooth loss of the objective, e.g. `sigmoid-lsq`'),
  lambda: z.number().describe('L1 weight λ of the objective'),
  l2: z.number().describe('L2 weight μ of the objective'),
  labels: name.describe('label encoding: `01` or `pm1`'),
  seed: z.number(),
  given: params.default({}),
  ...TracePointSchema.shape,
  passes: num,
});

/**
 * A `trace.jsonl` row as older optlab versions wrote it, without the problem columns (loss, lambda, l2, labels):
 * what `optlab report` still reads, filling them in from the run's row in `runs.jsonl`.
 */
export const LegacyTraceRowSchema = TraceRowSchema.partial({ loss: true, lambda: true, l2: true, labels: true });

export const RunFileSchema = z.object({
  run: RunRowSchema.extend({ x: z.array(num).optional() }),
  trace: z.array(TracePointSchema),
});

/** One shard process's record (`DIR/shards/<name>.json`, and `manifest.shards` after `optlab merge`). */
export const ShardRecordSchema = z.object({
  host: text,
  pid: count,
  slurm: z
    .object({
      jobId: text,
      arrayJobId: text.optional(),
      arrayTaskId: text.optional(),
      node: text.optional(),
      cluster: text.optional(),
    })
    .optional(),
  kubernetes: z.object({ completionIndex: text, pod: text.optional() }).optional(),
  shard: z.object({ index: count, count: count, source: text }),
  optlab: text,
  node: text,
  cpu: z.object({ model: text, cores: count }),
  sweepSha256: sha,
  datasets: z.array(dataset),
  startedAt: text,
  endedAt: text.nullable(),
  status: z.enum(['running', 'complete', 'interrupted']),
  jobs: count,
  cost: z.object({ shard: count, mean: count }),
  runs: z.object({
    assigned: z.array(name),
    resumed: z.array(name),
    ran: z.array(name),
    failed: z.array(z.object({ id: name, message: text })),
  }),
});

export const ManifestSchema = z.object({
  optlab: text,
  node: text,
  v8: text,
  platform: text,
  cpu: z.object({ model: text, cores: count }),
  sweepFile: text.nullable(),
  sweepSha256: sha.nullable(),
  datasets: z.array(dataset),
  startedAt: text,
  endedAt: text.nullable(),
  runs: z.object({ total: count, finished: count, failed: count, resumed: count }),
  jobs: count,
  status: z.enum(['complete', 'interrupted', 'running', 'incomplete']),
  /** Written by `optlab merge`: the folders merged, the runs still missing, every shard process's record. */
  merged: z.object({ from: z.array(text), at: text, missing: z.array(name) }).optional(),
  shards: z.array(ShardRecordSchema).optional(),
});

/**
 * The first problem of a zod error as `field "a.b": rule` (the field path and zod's message), for one-line
 * errors that name the field.
 */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not valid';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `field "${path}": ${issue.message}`;
}

/** The published JSON Schema files (draft 2020-12), generated from the schemas above: file name → schema. */
export function rowJsonSchemas(): Record<string, object> {
  const doc = (schema: z.ZodType, title: string, description: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }),
    title,
    description,
  });
  return {
    'runs.schema.json': doc(
      RunRowSchema,
      'optlab run row',
      'One line of runs.jsonl in an optlab results folder: one finished run (null stands for a non-finite number).',
    ),
    'trace.schema.json': doc(
      TraceRowSchema,
      'optlab trace row',
      'One line of trace.jsonl in an optlab results folder: one trace point of one run (null stands for a non-finite number).',
    ),
    'manifest.schema.json': doc(
      ManifestSchema,
      'optlab manifest',
      'manifest.json of an optlab results folder: versions, machine, datasets, times and status of a sweep.',
    ),
  };
}
