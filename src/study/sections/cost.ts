import { fmt, type Section } from '../../report/build.js';
import { barFigure } from '../../report/figures.js';
import { COST_TARGETS, type StudyFacts } from '../facts.js';
import { g3, p } from '../text.js';

/** Questions 9 and 12: what each method costs to reach a relative accuracy. */
export function costSection(f: StudyFacts): Section {
  const rows: Array<Array<string | number>> = [];
  const bars: Array<Record<string, unknown>> = [];
  for (const c of f.cost) {
    const cells: Array<string | number> = [
      c.problem,
      c.name,
      c.label,
      fmt(c.callsPerIteration, 3),
      fmt(c.passesPerIteration, 3),
    ];
    for (const t of c.targets) {
      if (t.reached < t.of) {
        cells.push(`not reached${t.reached > 0 ? ` (${t.reached}/${t.of} seeds)` : ''}`, '', '', '');
        continue;
      }
      cells.push(fmt(t.passes, 3), fmt(t.calls, 4), fmt(t.updates, 4), g3(t.seconds));
      if (t.target === COST_TARGETS[0]) bars.push({ method: c.name, passes: t.passes, problem: c.problem });
    }
    cells.push(g3(c.gap));
    rows.push(cells);
  }
  const headers = ['problem', 'method', 'run', 'oracle calls per iteration', 'passes per iteration'];
  for (const t of COST_TARGETS)
    headers.push(`passes to ${t}`, `oracle calls to ${t}`, `vector updates to ${t}`, `seconds to ${t}`);
  headers.push('final F − f*');
  const stochastic = f.cost.filter((c) => c.name.startsWith('SGD') || c.name === 'Adagrad' || c.name === 'Adam');
  const adagrad = f.cost.find((c) => c.name === 'Adagrad');
  return {
    id: 'q9',
    title: '9 and 12. What each method costs',
    text: [
      p(
        `The study counted "data accesses" (oracle calls) and "vector updates" for 100 iterations: 200 and 100 for BFGS and L-BFGS, 6300 for Adagrad. Those counts are not comparable: a mini-batch access touches a batch of rows, a full-gradient access all ${f.setting.rows} of them.${adagrad ? ` Here one Adagrad iteration is ${fmt(adagrad.callsPerIteration, 3)} oracle call of a batch, ${fmt(adagrad.passesPerIteration, 3)} of a pass.` : ''} optlab counts every per-sample gradient (passes = sample gradients / n) and reports the cost to a common relative accuracy: the first trace point with F − f* ≤ target · (F(x₀) − f*).`,
      ),
      p(
        `${stochastic.length > 0 ? 'Stochastic methods are traced once per epoch, so their cost to a target is rounded up to whole epochs. ' : ''}"not reached" means the run's budget ended first.`,
      ),
    ].join('\n'),
    figures: [
      barFigure(bars, {
        id: 'q9-cost',
        title: `Passes over the data to reach F − f* ≤ ${COST_TARGETS[0]} · (F(x₀) − f*)`,
        category: 'method',
        value: 'passes',
        color: 'problem',
        log: true,
        caption: 'Mean over seeds; methods that did not reach the target are left out.',
      }),
    ],
    tables: [{ caption: 'Cost to a relative target accuracy (means over seeds)', headers, rows }],
  };
}
