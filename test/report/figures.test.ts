import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptlabError } from '../../src/errors.js';
import {
  barFigure,
  convergenceFigure,
  type Figure,
  formatFStar,
  round6,
  scatterFigure,
  slugId,
  staticSpec,
} from '../../src/report/figures.js';
import { compileToVega, renderSvg } from '../../src/report/vega.js';
import type { TraceRow } from '../../src/sweep/results.js';

const F_STAR = 0.3254981237;

/** Traces of `labels` × `seeds`, 40 iterations, gap = c·ρ^k·(1 + seed/10). */
function traces(labels: string[], seeds: number[], opts: { method?: (label: string) => TraceRow['method'] } = {}) {
  const rows: TraceRow[] = [];
  labels.forEach((label, li) => {
    for (const seed of seeds) {
      for (let k = 0; k < 40; k++) {
        const g = 0.5 ** ((li + 1) * k) * (1 + seed / 10);
        rows.push({
          id: `${label}@a9a#${seed}`,
          label,
          method: opts.method?.(label) ?? (label.split('[')[0] as TraceRow['method']),
          dataset: 'a9a',
          loss: 'sigmoid-lsq',
          lambda: 0,
          l2: 0,
          labels: '01',
          seed,
          given: {},
          iter: k,
          epoch: k,
          value: F_STAR + g,
          gradNorm: g,
          seconds: 0.01 * k * (1 + seed / 100),
          sampleGradients: 100 * k,
          oracleCalls: k,
          vectorUpdates: k,
          passes: k,
        });
      }
    }
  });
  return rows;
}

function compileClean(f: Figure): void {
  const warnings: string[] = [];
  compileToVega(f.spec, { onWarn: (m) => warnings.push(m) });
  assert.deepEqual(warnings, [], `${f.id}: ${warnings.join('; ')}`);
}

type Spec = {
  title: { text: string; subtitle?: string | string[] };
  data: { values: Array<Record<string, unknown>> };
  layer: Array<{ mark: { type: string }; encoding: Record<string, { field?: string }> }>;
};

describe('convergenceFigure', () => {
  it('3 seeds: compiles without warnings, has a band layer, states f* in the subtitle', async () => {
    const f = convergenceFigure(traces(['gd[step=1]', 'lbfgs'], [1, 2, 3]), {
      id: 'conv-passes',
      x: 'passes',
      y: 'gap',
      fStar: F_STAR,
      problem: 'a9a, logistic, labels pm1',
      title: 'Convergence on a9a',
    });
    compileClean(f);
    const spec = f.spec as unknown as Spec;
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['area', 'line'],
    );
    assert.equal(spec.title.text, 'Convergence on a9a');
    assert.equal(spec.title.subtitle, 'f* = 0.3254981237: the best value any run reached on a9a, logistic, labels pm1');
    // One row per (label, iteration); band edges are the exact min and max over seeds (rounded to 6 digits).
    assert.equal(spec.data.values.length, 2 * 40);
    const r = spec.data.values.find((v) => v.label === 'gd[step=1]' && v.passes === 3)!;
    const g = (seed: number) => 0.5 ** 3 * (1 + seed / 10);
    assert.equal(r.gap_lo, round6(F_STAR + g(1) - F_STAR));
    assert.equal(r.gap_hi, round6(F_STAR + g(3) - F_STAR));
    assert.equal(r.gap, round6((g(1) + g(2) + g(3)) / 3));
    assert.equal(r.seeds, 3);
    assert.match(f.caption, /mean over seeds \(3 per run label\)/);
    assert.match(f.caption, /floored at 1e-16/);
    // The rendered SVG shows the title and the f* subtitle.
    const svg = await renderSvg(f.spec);
    assert.ok(svg.includes('>Convergence on a9a<'));
    assert.ok(svg.includes(`f* = ${formatFStar(F_STAR)}`));
    assert.equal((svg.match(/aria-roledescription="area mark"/g) ?? []).length, 2);
  });

  it('one seed: no band layer; a subtitle of the caller comes before the f* line', () => {
    const f = convergenceFigure(traces(['gd'], [1]), {
      id: 'one',
      x: 'seconds',
      y: 'gap',
      fStar: F_STAR,
      title: 't',
      subtitle: 'mine',
    });
    compileClean(f);
    const spec = f.spec as unknown as Spec;
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['line'],
    );
    assert.deepEqual(spec.title.subtitle, ['mine', 'f* = 0.3254981237: the best value any run reached']);
    assert.match(f.caption, /^One seed per run label\. /);
  });

  it('the caption says a run touches the floor only when one does', () => {
    // the traces' gaps are 0.5^((li+1)k)·(1 + seed/10) > 0: none reaches f* unless f* is lowered to a value
    const none = convergenceFigure(traces(['gd'], [1]), {
      id: 'n',
      x: 'iter',
      y: 'gap',
      fStar: F_STAR - 1,
      title: 't',
    });
    assert.doesNotMatch(none.caption, /touches the floor/);
    const rows = traces(['gd'], [1]);
    rows[rows.length - 1].value = F_STAR; // this run reached f*
    const some = convergenceFigure(rows, { id: 's', x: 'iter', y: 'gap', fStar: F_STAR, title: 't' });
    assert.match(some.caption, /\(a run that reached f\* touches the floor\)/);
  });

  it('a gap without f* is refused; a bad id is refused', () => {
    assert.throws(
      () => convergenceFigure(traces(['gd'], [1]), { id: 'x', x: 'iter', y: 'gap', title: 't' }),
      (e: unknown) => e instanceof OptlabError && /needs a finite f\*/.test(e.message),
    );
    assert.throws(
      () => convergenceFigure(traces(['gd'], [1]), { id: '1 bad', x: 'iter', y: 'value', title: 't' }),
      OptlabError,
    );
  });

  it('thins long curves and notes dropped non-finite points in the caption', () => {
    const rows = traces(['gd'], [1, 2]);
    rows[5].value = null; // seed 1, iteration 5
    const f = convergenceFigure(rows, { id: 'thin', x: 'iter', y: 'value', title: 't', maxPoints: 10 });
    compileClean(f);
    const values = (f.spec as unknown as Spec).data.values;
    assert.equal(values.length, 10);
    assert.equal(values[0].iter, 0);
    assert.equal(values[9].iter, 39);
    // Iteration 5 keeps its gradient norm, but F (and so the gap) is missing there.
    assert.equal(values.find((v) => v.iter === 5)?.value ?? null, null);
    assert.match(f.caption, /1 point where some seed's F is not finite/);
    // F itself is drawn on a linear scale by default.
    const params = (f.spec as unknown as { params: Array<{ name: string; value: unknown }> }).params;
    assert.equal(params.find((p) => p.name === 'logY')?.value, false);
  });

  it('colour by method: labels of one method get dashes', () => {
    const f = convergenceFigure(traces(['sgd[step=1]', 'sgd[step=2]', 'lbfgs'], [1, 2]), {
      id: 'by-method',
      x: 'iter',
      y: 'gradNorm',
      title: 't',
      colorBy: 'method',
    });
    compileClean(f);
    const line = (f.spec as unknown as Spec).layer[1];
    assert.equal(line.encoding.color.field, 'method');
    assert.equal(line.encoding.strokeDash.field, 'label');
  });
});

describe('convergenceFigure: the interactive view', () => {
  type Params = { params: Array<{ name: string; value: unknown }> };
  const param = (f: Figure, name: string) => (f.spec as unknown as Params).params.find((p) => p.name === name)?.value;

  it('carries every x column and y quantity, with controls whose values are the initial view', () => {
    const f = convergenceFigure(traces(['gd', 'lbfgs'], [1, 2]), {
      id: 'v',
      x: 'seconds',
      y: 'gap',
      fStar: F_STAR,
      title: 't',
    });
    const row = (f.spec as unknown as Spec).data.values[0];
    for (const k of ['label', 'method', 'params', 'seeds', 'iter', 'passes', 'seconds', 'value', 'gap', 'gradNorm']) {
      assert.ok(k in row, k);
    }
    for (const k of ['value_lo', 'value_hi', 'gap_lo', 'gap_hi', 'gradNorm_lo', 'gradNorm_hi']) assert.ok(k in row, k);
    assert.deepEqual(
      f.controls?.map((c) => [c.signal, c.value, c.options?.map((o) => o[0])]),
      [
        ['xField', 'seconds', ['iter', 'passes', 'seconds']],
        ['yField', 'gap', ['gap', 'value', 'gradNorm']],
        ['logY', true, undefined],
        ['logX', false, undefined],
      ],
    );
    assert.equal(param(f, 'xField'), 'seconds');
    assert.equal(f.legendToggles, true);
    // No f*: no gap to switch to.
    const g = convergenceFigure(traces(['gd'], [1]), { id: 'w', x: 'iter', y: 'value', title: 't' });
    assert.deepEqual(
      g.controls?.[1].options?.map((o) => o[0]),
      ['value', 'gradNorm'],
    );
  });

  it('starts on passes when the runs pay different passes per iteration, and says so', () => {
    const rows = traces(['gd', 'lbfgs'], [1]).map((r) =>
      r.label === 'lbfgs' ? { ...r, passes: 3 * r.iter, sampleGradients: 300 * r.iter } : r,
    );
    const f = convergenceFigure(rows, { id: 'c', x: 'iter', y: 'gap', fStar: F_STAR, title: 't' });
    assert.equal(param(f, 'xField'), 'passes');
    assert.equal(f.controls?.[0].value, 'passes');
    assert.match(f.caption, /Drawn against passes: these runs pay different passes over the data per iteration/);
    // Same cost per iteration: the figure keeps its own axis.
    const same = convergenceFigure(traces(['gd', 'lbfgs'], [1]), {
      id: 'd',
      x: 'iter',
      y: 'gap',
      fStar: F_STAR,
      title: 't',
    });
    assert.equal(param(same, 'xField'), 'iter');
    assert.doesNotMatch(same.caption, /Drawn against passes/);
  });

  it('the static SVG draws the initial view: axis titles follow the signals, log ticks are powers of ten', async () => {
    const f = convergenceFigure(traces(['gd', 'lbfgs'], [1]), {
      id: 'e',
      x: 'iter',
      y: 'gap',
      fStar: F_STAR,
      title: 't',
    });
    const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const shown = texts(await renderSvg(staticSpec(f.spec)));
    assert.ok(shown.includes('iterations'), shown.join('|'));
    assert.ok(shown.includes('F(x) − f* (log scale)'), shown.join('|'));
    assert.ok(shown.includes('1e-8'), shown.join('|'));
    assert.ok(!shown.some((t) => /^\d\.\d+e/.test(t)), 'only powers of ten are labelled');
    const spec = f.spec as unknown as Params;
    for (const p of spec.params) {
      if (p.name === 'xField') p.value = 'seconds';
      if (p.name === 'yField') p.value = 'value';
      if (p.name === 'logY') p.value = false;
    }
    const other = texts(await renderSvg(f.spec));
    assert.ok(other.includes('seconds') && other.includes('F(x)'), other.join('|'));
    assert.ok(!other.includes('iterations'));
  });
});

describe('barFigure and scatterFigure', () => {
  it('grouped log bars with error rules compile without warnings; non-positive rows are left out and counted', async () => {
    const rows = [
      { lambda: '1e-4', method: 'owlqn', zeros: 0.2, lo: 0.1, hi: 0.3 },
      { lambda: '1e-4', method: 'prox-gd', zeros: 0.25, lo: 0.2, hi: 0.3 },
      { lambda: '1e-3', method: 'owlqn', zeros: 0.6, lo: 0.5, hi: 0.7 },
      { lambda: '1e-3', method: 'prox-gd', zeros: 0, lo: 0, hi: 0 },
    ];
    const f = barFigure(rows, {
      id: 'sparsity',
      title: 'Sparsity against λ',
      category: 'lambda',
      value: 'zeros',
      color: 'method',
      lo: 'lo',
      hi: 'hi',
      log: true,
    });
    compileClean(f);
    const spec = f.spec as unknown as Spec;
    assert.equal(spec.data.values.length, 3);
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['bar', 'rule'],
    );
    assert.match(f.caption, /1 row without a positive value left out/);
    const svg = await renderSvg(f.spec);
    assert.equal((svg.match(/aria-roledescription="bar"/g) ?? []).length, 3);
    // Categories keep their order of first appearance, not alphabetical (1e-3 < 1e-4 as strings).
    assert.deepEqual((spec.layer[0].encoding.x as { sort: string[] }).sort, ['1e-4', '1e-3']);
  });

  it('a plain bar chart and a log-log scatter compile without warnings', () => {
    compileClean(
      barFigure(
        [
          { method: 'gd', passes: 120 },
          { method: 'lbfgs', passes: 14 },
        ],
        { id: 'cost', title: 'Passes to 1e-6', category: 'method', value: 'passes' },
      ),
    );
    const s = scatterFigure(
      [
        { label: 'gd', seconds: 1.5, gap: 1e-3, seed: 1 },
        { label: 'lbfgs', seconds: 0.2, gap: 1e-9, seed: 1 },
        { label: 'sgd', seconds: 0, gap: 1e-2, seed: 1 },
      ],
      {
        id: 'time-gap',
        title: 'Gap against time',
        x: 'seconds',
        y: 'gap',
        color: 'label',
        logX: true,
        logY: true,
        tooltip: ['seed'],
      },
    );
    compileClean(s);
    assert.equal((s.spec as unknown as Spec).data.values.length, 2);
    assert.match(s.caption, /^1 row that cannot be drawn/);
  });
});

describe('staticSpec and ids', () => {
  it('drops tooltips and the invisible tooltip points without touching the input', async () => {
    const f = convergenceFigure(traces(['gd', 'lbfgs'], [1, 2]), {
      id: 's',
      x: 'iter',
      y: 'gap',
      fStar: F_STAR,
      title: 't',
    });
    const before = JSON.stringify(f.spec);
    const s = staticSpec(f.spec) as unknown as { layer: Array<{ mark: { point?: unknown }; encoding: object }> };
    assert.equal(JSON.stringify(f.spec), before);
    assert.equal(s.layer[1].mark.point, false);
    assert.ok(s.layer.every((l) => !('tooltip' in l.encoding)));
    const full = await renderSvg(f.spec);
    const lean = await renderSvg(s as never);
    assert.ok(lean.length * 2 < full.length, `${lean.length} vs ${full.length}`);
    assert.equal((lean.match(/aria-roledescription="line mark"/g) ?? []).length, 2);
  });

  it('slugId makes valid, unique ids', () => {
    const taken = new Set<string>();
    assert.equal(slugId('sgd[batch=16,step=2.5]', taken), 'sgd-batch-16-step-2-5');
    assert.equal(slugId('sgd[batch=16,step=2.5]', taken), 'sgd-batch-16-step-2-5-2');
    assert.equal(slugId('1e-3'), 'f-1e-3');
    assert.equal(slugId('Quasi Newton!'), 'quasi-newton');
  });
});

describe('bar baselines (the study’s cost and accuracy charts)', () => {
  it('log bars start at the power of 10 below the smallest value, not at 0 (a log scale has no 0)', () => {
    const f = barFigure(
      [
        { m: 'a', v: 3.5 },
        { m: 'b', v: 420 },
      ],
      { id: 'b', title: 't', category: 'm', value: 'v', log: true },
    );
    const layer = (
      f.spec as unknown as {
        layer: Array<{ encoding: Record<string, { datum?: number; scale?: { domainMin?: number } }> }>;
      }
    ).layer[0];
    assert.equal(layer.encoding.y2.datum, 1);
    assert.equal(layer.encoding.y.scale?.domainMin, 1);
  });

  it('a baseline and a reference rule (majority class) are drawn as layers', () => {
    const f = barFigure([{ m: 'a', v: 85 }], {
      id: 'b',
      title: 't',
      category: 'm',
      value: 'v',
      baseline: 75,
      rule: { value: 76.4, label: 'majority class' },
    });
    const spec = f.spec as unknown as { layer: Array<{ mark: { type: string } }> };
    assert.deepEqual(
      spec.layer.map((l) => l.mark.type),
      ['bar', 'rule', 'text'],
    );
  });
});
