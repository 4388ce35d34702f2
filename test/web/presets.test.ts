/**
 * The playground's study presets, a run's own λ, F_best per problem, and a results folder read in the page
 * (DOM-free parts, in Node): presets carry the study's runs (seed 0) with the CLI's flags; `mK.lambda` goes
 * through the URL and into the CLI line; a folder's rows (new and old trace format) become runs with their
 * traces, views and each problem's F_best; a bad row is named by file and line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSweep } from '../../src/node/sweep-runner.js';
import { GROUPS, studySweep } from '../../src/study/preset.js';
import { cliArgs, defaultConfig, fromQuery, runLabels, toQuery } from '../../web/src/config.js';
import { FolderError, firstView, readFolder, viewRuns } from '../../web/src/folder.js';
import { studyPresets } from '../../web/src/presets.js';
import { chartRows } from '../../web/src/series.js';

describe('study presets', () => {
  it("one preset per question of the study, each with that question's runs (seed 0)", () => {
    const presets = studyPresets('full');
    assert.deepEqual(
      presets.map((p) => [p.id, p.runs.length]),
      [
        [GROUPS.gdSteps, 6],
        [GROUPS.gdLineSearch, 2],
        [GROUPS.sgdSteps, 7],
        [GROUPS.sgdBatches, 3],
        [GROUPS.adaptive, 8],
        [GROUPS.proxLambda, 4],
        [GROUPS.fista, 2],
        [GROUPS.bfgs, 2],
        [GROUPS.sbfgs, 3],
        [GROUPS.proxBfgs, 2],
        [GROUPS.lbfgs, 4],
      ],
    );
    // Every method entry of the study's sweep but the reference runs and the sparsity path is in a preset.
    const entries = (
      studySweep({ preset: 'full', seeds: 3, lambdaMax: 0.5, data: 'a9a' }).methods as Array<{ group: string }>
    ).filter((m) => m.group !== GROUPS.reference && m.group !== GROUPS.proxPath);
    const methods = new Set(presets.flatMap((p) => p.runs.map((r) => `${p.id}/${r.method}`)));
    for (const e of entries as Array<{ group: string; method: string }>)
      assert.ok(methods.has(`${e.group}/${e.method}`));
  });

  it('a preset run is the study run on the command line: its λ, budgets and start', () => {
    const prox = studyPresets('full').find((p) => p.id === GROUPS.proxLambda)!;
    const c = { ...defaultConfig(), data: 'a9a', problem: prox.problem, runs: prox.runs, chart: prox.chart };
    assert.deepEqual(cliArgs(c, 1), [
      'run',
      '--data',
      'a9a',
      '--method',
      'prox-gd',
      '--step',
      '2.5',
      '--lambda',
      '0.01',
      '--max-iter',
      '200',
      '--tol',
      '0',
    ]);
    assert.deepEqual(runLabels(c.runs), [
      'prox-gd[lambda=0.001,maxIter=200,step=2.5,tol=0]#0',
      'prox-gd[lambda=0.01,maxIter=200,step=2.5,tol=0]#0',
      'prox-gd[lambda=0.05,maxIter=200,step=2.5,tol=0]#0',
      'prox-gd[lambda=0.1,maxIter=200,step=2.5,tol=0]#0',
    ]);
    // The URL keeps every run's own λ.
    const back = fromQuery(toQuery(c));
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.config.runs, c.runs);
    const seed = studyPresets('seed').find((p) => p.id === GROUPS.gdSteps)!;
    assert.deepEqual(seed.problem, { objective: 'sigmoid-lsq', labels: 'pm1', lambda: 0, l2: 0, subset: 1000 });
    assert.ok(seed.runs.every((r) => r.init === 'randn' && r.budgets.maxIter === 100));
  });

  it("a run's own λ: only for methods that handle L1, a bad value reported", () => {
    const r = fromQuery('?lambda=0.2&m1=fista&m1.lambda=0.01&m2=lbfgs&m2.lambda=0.1&m3=owlqn&m3.lambda=-1');
    assert.equal(r.config.runs[0].lambda, 0.01);
    assert.equal(r.config.runs[1].lambda, undefined);
    assert.equal(r.config.runs[2].lambda, undefined);
    assert.equal(r.problems.length, 2, r.problems.join('; '));
    assert.match(r.problems[0], /^m2\.lambda: --lambda does not apply to lbfgs/);
    assert.match(r.problems[1], /^m3\.lambda: /);
    assert.deepEqual(cliArgs(r.config, 0).slice(-2), ['--lambda', '0.01']);
    assert.deepEqual(cliArgs(r.config, 2).slice(-2), ['--lambda', '0.2'], "owlqn takes the problem's λ");
  });

  it('F − F_best takes the best of each problem, not of every run', () => {
    const p = (iter: number, value: number) => ({
      iter,
      epoch: iter,
      value,
      gradNorm: 1,
      seconds: 0,
      sampleGradients: iter,
      oracleCalls: iter,
      vectorUpdates: iter,
    });
    const rows = chartRows(
      [
        { label: 'a', n: 1, problem: '0', trace: [p(0, 0.3), p(1, 0.1)] },
        { label: 'b', n: 1, problem: '0.1', trace: [p(0, 0.5), p(1, 0.4)] },
        { label: 'c', n: 1, problem: '0.1', best: 0.35, trace: [p(0, 0.45)] },
      ],
      'iter',
      'gap',
      false,
    );
    assert.deepEqual(
      rows.map((r) => [r.run, Number(r.y.toFixed(12))]),
      [
        ['a', 0.2],
        ['a', 0],
        ['b', 0.1],
        ['b', 0],
        ['c', 0.1],
      ],
    );
  });
});

describe('a results folder in the playground', () => {
  const root = mkdtempSync(join(tmpdir(), 'optlab-folder-'));
  const out = join(root, 'sweep');
  after(() => rmSync(root, { recursive: true, force: true }));
  before(async () => {
    const rows = ['+1 1:1 3:0.5', '-1 2:1', '+1 1:1 2:0.25', '-1 3:2', '+1 1:0.5 2:0.5', '-1 2:1.5 3:0.5'];
    writeFileSync(join(root, 'tiny.svm'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(root, 'sweep.yaml'),
      [
        'datasets: [tiny.svm]',
        'budgets: {maxIter: 8}',
        'methods:',
        '  - {method: gd, group: steps, grid: {step: [1, 2]}}',
        '  - {method: prox-gd, group: l1, params: {step: 1}, grid: {lambda: [0.01]}}',
      ].join('\n'),
    );
    const r = await runSweep({ file: join(root, 'sweep.yaml'), out, jobs: 1 });
    assert.equal(r.failures.length, 0);
  });

  it('reads runs.jsonl + trace.jsonl into runs with traces, views and the best value of each problem', () => {
    const runsText = readFileSync(join(out, 'runs.jsonl'), 'utf8');
    const traceText = readFileSync(join(out, 'trace.jsonl'), 'utf8');
    const f = readFolder(runsText, traceText);
    assert.deepEqual(
      f.runs.map((r) => [r.label, r.trace.length > 1]),
      [
        ['gd[step=1]#0', true],
        ['gd[step=2]#0', true],
        ['prox-gd[lambda=0.01,step=1]#0', true],
      ],
    );
    assert.deepEqual(
      f.views.map((v) => [v.id.split(':')[0], v.runs]),
      [
        ['all', 3],
        ['group', 2],
        ['group', 1],
        ['problem', 2],
        ['problem', 1],
      ],
    );
    assert.deepEqual(
      viewRuns(f, 'group:l1').map((r) => r.row.method),
      ['prox-gd'],
    );
    assert.equal(firstView(f), 'all');
    assert.equal(firstView(f, 2), 'group:steps');
    // Each problem's best: the gd runs share one, the λ = 0.01 run has its own.
    const gd = Math.min(...f.runs.slice(0, 2).flatMap((r) => r.trace.map((t) => t.value as number)));
    const prox = Math.min(...f.runs[2].trace.map((t) => t.value as number));
    assert.deepEqual([...f.best.values()].sort(), [gd, prox].sort());
    assert.notEqual(gd, prox);

    // An older folder's trace rows (no loss/lambda/l2/labels) read the same.
    const old = traceText
      .trim()
      .split('\n')
      .map((l) => {
        const { loss: _a, lambda: _b, l2: _c, labels: _d, ...rest } = JSON.parse(l);
        return JSON.stringify(rest);
      })
      .join('\n');
    const g = readFolder(runsText, old);
    assert.deepEqual(
      g.runs.map((r) => r.trace),
      f.runs.map((r) => r.trace),
    );
  });

  it('a bad row is named by file and line', () => {
    const runsText = readFileSync(join(out, 'runs.jsonl'), 'utf8');
    const lines = readFileSync(join(out, 'trace.jsonl'), 'utf8').trim().split('\n');
    lines[2] = JSON.stringify({ ...JSON.parse(lines[2]), iter: 'three' });
    assert.throws(() => readFolder(runsText, lines.join('\n')), {
      name: 'Error',
      message: /^trace\.jsonl:3: not a valid trace row: field "iter": /,
    });
    assert.throws(() => readFolder(runsText, '{"id":'), FolderError);
    assert.throws(() => readFolder('', ''), { message: 'runs.jsonl holds no runs' });
    const foreign = JSON.stringify({ ...JSON.parse(lines[0]), id: 'other@x#0' });
    assert.throws(() => readFolder(runsText, foreign), {
      message: /^trace\.jsonl:1: run "other@x#0" is not in runs\.jsonl$/,
    });
  });
});
