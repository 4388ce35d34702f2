/**
 * A playground run (web/src/execute.ts: the run worker's code, driven in time slices as the worker drives it)
 * gives the very record `optlab run --json` prints for the same configuration: same config, dataset, result,
 * x and trace, byte for byte but for the seconds. Checked on a small fixture (train and test files) for
 * full-batch, stochastic and L1 methods, label encodings, subsets and the positive class.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import { toJson } from '../../src/run/json.js';
import { Rng } from '../../src/run/rng.js';
import { cliArgs, defaultConfig, type PlaygroundConfig, type RunSpec } from '../../web/src/config.js';
import { prepareRun } from '../../web/src/execute.js';
import { readLibsvmStream } from '../../web/src/load.js';
import type { DataPayload } from '../../web/src/protocol.js';
import { inRepo } from '../helpers/repo.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-web-exec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A separable-ish sparse problem: label = sign of a fixed linear score plus noise; values 1 or decimals. */
function fixture(rows: number, seed: number, d = 12): string {
  const rng = new Rng(seed);
  const w = Array.from({ length: d }, (_, j) => ((j * 7) % 5) - 2);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const feats: string[] = [];
    let score = 0;
    for (let j = 0; j < d; j++) {
      if (rng.next() < 0.35) {
        const v = j % 3 === 0 ? Number((rng.next() * 2).toFixed(3)) : 1;
        if (v === 0) continue;
        feats.push(`${j + 1}:${v}`);
        score += w[j] * v;
      }
    }
    const label = score + rng.normal() * 0.5 > 0 ? '+1' : '-1';
    lines.push(`${label} ${feats.join(' ')}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

writeFileSync(join(dir, 'train.svm'), fixture(300, 1));
writeFileSync(join(dir, 'test.svm'), fixture(120, 2, 11));

async function payload(name: string): Promise<DataPayload> {
  const bytes = readFileSync(join(dir, name));
  return readLibsvmStream(new Blob([bytes]).stream(), { name, total: bytes.length });
}

/** `optlab run ... --json` from the fixture folder (so files are named as the page names them). */
function cli(args: string[]): string {
  const r = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), inRepo('src/cli/main.ts'), ...args, '--json'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The JSON without its timings (the only thing that may differ). */
function untimed(json: string): unknown {
  const v = JSON.parse(json);
  v.result.seconds = 0;
  for (const p of v.trace) p.seconds = 0;
  return v;
}

const CASES: Array<{ name: string; run: RunSpec; problem?: Partial<PlaygroundConfig['problem']>; test?: boolean }> = [
  { name: 'lbfgs, defaults', run: { method: 'lbfgs', params: {}, budgets: {}, seed: 0, init: 'zeros' }, test: true },
  {
    name: 'sgd with momentum, seeded, traced every 7 steps',
    run: {
      method: 'sgd',
      params: { step: 0.5, batch: 8, momentum: 0.5 },
      budgets: { epochs: 3, traceEvery: 7 },
      seed: 5,
      init: 'zeros',
    },
    test: true,
  },
  {
    name: 'prox-gd with L1 and L2, logistic',
    run: { method: 'prox-gd', params: { step: 2 }, budgets: { maxIter: 40, tol: 0 }, seed: 0, init: 'zeros' },
    problem: { objective: 'logistic', lambda: 0.01, l2: 0.001 },
  },
  {
    name: "bfgs, the study's setting: subset, pm1 labels, random start",
    run: {
      method: 'bfgs',
      params: { lineSearch: 'none', step: 0.01 },
      budgets: { maxIter: 25 },
      seed: 2,
      init: 'randn',
    },
    problem: { labels: 'pm1', subset: 100 },
  },
  {
    name: 'adam with the positive class named, a pass budget',
    run: { method: 'adam', params: { step: 0.05 }, budgets: { maxPasses: 2.5 }, seed: 1, init: 'zeros' },
    problem: { positive: -1 },
    test: true,
  },
];

describe('a playground run equals optlab run --json', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const config = defaultConfig();
      config.data = 'file:train.svm';
      config.testData = c.test ? 'file:test.svm' : '';
      config.problem = { ...config.problem, ...c.problem };
      config.runs = [c.run];
      const expected = cli(cliArgs(config, 0));
      const run = prepareRun(
        c.run,
        config.problem,
        await payload('train.svm'),
        c.test ? await payload('test.svm') : undefined,
      );
      let slices = 0;
      while (!run.runner.advance(0)) slices++;
      assert.ok(slices > 0, 'the run went in several slices, as in the worker');
      const actual = `${toJson(run.record())}\n`;
      assert.deepEqual(untimed(actual), untimed(expected));
      const rec = JSON.parse(actual);
      assert.equal(rec.dataset.name, 'train.svm');
      assert.equal(rec.testDataset?.name, c.test ? 'test.svm' : undefined);
      if (c.test) assert.equal(rec.dataset.features, 12, 'train and test share the larger dimension');
    });
  }

  it('refuses a bad setting with the CLI message', async () => {
    const train = await payload('train.svm');
    assert.throws(
      () =>
        prepareRun(
          { method: 'gd', params: { c2: 0.5 }, budgets: {}, seed: 0, init: 'zeros' },
          defaultConfig().problem,
          train,
        ),
      (e: unknown) =>
        e instanceof OptlabError &&
        e.message === '--method gd: --c2 applies only to --line-search wolfe or more-thuente',
    );
    const lambda = { ...defaultConfig().problem, lambda: 0.1 };
    assert.throws(
      () => prepareRun({ method: 'lbfgs', params: {}, budgets: {}, seed: 0, init: 'zeros' }, lambda, train),
      /--method lbfgs does not handle --lambda/,
    );
  });
});
