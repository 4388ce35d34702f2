import { fmt, type Section } from '../report/build.js';
import { COST_TARGETS, type StudyFacts } from './facts.js';
import { PROX_BFGS_LAMBDA } from './preset.js';

export type Verdict = 'confirmed' | 'contradicted' | 'refined';

/**
 * One claim of the original study, checked against the measurements: the criterion is stated, the verdict
 * computed from it, and the evidence is the measured numbers the criterion reads.
 */
export interface Conclusion {
  question: string;
  claim: string;
  criterion: string;
  verdict: Verdict;
  evidence: string;
}

const g3 = (v: number) => fmt(v, 3);

/** confirmed if `yes`, else refined if `partly`, else contradicted. */
function verdict(yes: boolean, partly = false): Verdict {
  return yes ? 'confirmed' : partly ? 'refined' : 'contradicted';
}

/** Every conclusion of the study, with the verdict its criterion gives on these facts. */
export function conclusions(f: StudyFacts): Conclusion[] {
  const out: Conclusion[] = [];

  const gd = f.gd;
  const near15 = Math.abs(gd.best.param - 1.5) <= 0.5;
  out.push({
    question: '3',
    claim: 'A good constant step for gradient descent is about 1.5.',
    criterion: 'confirmed if the best step of the grid is 1.5; refined if within 0.5 of it; contradicted otherwise.',
    verdict: verdict(gd.best.param === 1.5, near15),
    evidence: `Best constant step on the grid ${gd.arms.map((a) => fmt(a.param)).join(', ')}: ${fmt(gd.best.param)} (F − f* = ${g3(gd.best.gap)} after ${fmt(gd.iterations)} iterations)${gd.bestAtEdge ? `, at the ${gd.bestAtEdge} edge of the grid` : ''}.`,
  });

  const s = f.sgd;
  const stepOk = s.steps.best.param === 2.5;
  const batchOk = s.batches.best.param === 16;
  out.push({
    question: '4',
    claim: 'Mini-batch SGD: the best constant step is about 2.5, and at that step the best batch size is 16.',
    criterion: 'confirmed if both hold on the grids; refined if one holds; contradicted if neither.',
    verdict: verdict(stepOk && batchOk, stepOk || batchOk),
    evidence: `Over ${f.setting.seeds} seed${f.setting.seeds === 1 ? '' : 's'}: best step at batch ${fmt(s.batchOfSteps)} is ${fmt(s.steps.best.param)} (F − f* = ${g3(s.steps.best.gap)}); best batch at step ${fmt(s.stepOfBatches)} is ${fmt(s.batches.best.param)} (F − f* = ${g3(s.batches.best.gap)}).`,
  });

  const a = f.adaptive;
  const sgd16 = s.batches.arms.find((x) => x.param === 16);
  if (a.adagrad && sgd16) {
    const gA = a.adagrad.best.gap;
    out.push({
      question: '5',
      claim: 'Adagrad gives slightly better results than batch SGD in the same configuration (batch 16).',
      criterion:
        'confirmed if the best Adagrad has a lower final gap than SGD at batch 16 and than the best SGD; refined if only than SGD at batch 16; contradicted otherwise.',
      verdict: verdict(gA < sgd16.gap && gA < a.sgdBest.gap, gA < sgd16.gap),
      evidence: `Best Adagrad ${a.adagrad.best.label}: F − f* = ${g3(gA)}; ${sgd16.label}: ${g3(sgd16.gap)}; best SGD (${a.sgdBest.label}): ${g3(a.sgdBest.gap)}.`,
    });
  }

  const at = f.prox.rows.find((r) => r.lambda === 0.01);
  if (at) {
    out.push({
      question: '6',
      claim: 'Proximal gradient with λ = 0.01 gives a 91.87% sparse solution with a still low loss.',
      criterion: 'confirmed if the sparsity after the budget is within 5 points of 91.87%; refined otherwise.',
      verdict: verdict(Math.abs(at.sparsity - 0.9187) < 0.05, true),
      evidence: `λ = 0.01 is ${fmt(at.fraction, 3)} λ_max here; ${fmt(100 * at.sparsity, 4)}% zeros after the proximal-gradient budget, ${fmt(100 * at.refSparsity, 4)}% at convergence (OWL-QN), F* = ${fmt(at.refValue, 6)} against f* = ${fmt(f.fStar.smooth, 6)} without L1.`,
    });
  }

  const b = f.bfgs;
  if (b.wolfe) {
    const much = b.wolfe.gap < b.gdBest.gap / 10;
    out.push({
      question: '7',
      claim: 'BFGS gives results very similar to gradient descent, at a higher cost, and NaN with bigger steps.',
      criterion:
        'contradicted if BFGS with a Wolfe search ends 10 times closer to f* than the best gradient descent in the same budget and no BFGS run diverged; refined otherwise.',
      verdict: much && b.nan === 0 ? 'contradicted' : 'refined',
      evidence: `Same budget: BFGS (Wolfe) F − f* = ${g3(b.wolfe.gap)}, best gradient descent ${g3(b.gdBest.gap)}${b.constant ? `, BFGS with the study's constant step 0.01 ${g3(b.constant.gap)}` : ''}; ${b.nan} BFGS run${b.nan === 1 ? '' : 's'} diverged.`,
    });
  }

  const sb = f.sbfgs;
  if (sb.grid) {
    const bad = sb.total - sb.finite;
    out.push({
      question: '8',
      claim: 'Stochastic BFGS is very expensive; the study’s run on the full data ends in NaN.',
      criterion: 'confirmed if some stochastic BFGS run diverges; contradicted if all stay finite.',
      verdict: verdict(bad > 0),
      evidence: `${sb.finite} of ${sb.total} runs finite${sb.flatRuns.length > 0 ? ` (${sb.flatRuns.length} stopped in a flat region)` : ''}; best ${sb.grid.best.label} F − f* = ${g3(sb.grid.best.gap)} after ${fmt(sb.grid.best.epochs)} epochs (${fmt(sb.grid.best.passes, 3)} passes), ${g3(sb.grid.best.seconds)} s.`,
    });
  }

  const lb = f.cost.find((c) => c.name === 'L-BFGS, m = 10');
  const ad = f.cost.find((c) => c.name === 'Adagrad');
  if (lb && ad) {
    const t = COST_TARGETS[1];
    const tl = lb.targets.find((x) => x.target === t)!;
    const ta = ad.targets.find((x) => x.target === t)!;
    const lbReached = tl.reached === tl.of;
    const adReached = ta.reached === ta.of;
    const cheaper = lbReached && (!adReached || tl.passes < ta.passes);
    const adMoreAccurate = ad.gap < lb.gap;
    out.push({
      question: '9, 12',
      claim:
        'BFGS and L-BFGS need far fewer data accesses and vector updates than Adagrad (200/100 against 6300) and are faster, but Adagrad is more accurate.',
      criterion: `"faster": L-BFGS reaches F − f* ≤ ${t}·(F(x₀) − f*) in fewer passes than Adagrad (or Adagrad never does); "more accurate": Adagrad's final gap is below L-BFGS's. Confirmed if both hold, refined if one holds, contradicted if neither.`,
      verdict: verdict(cheaper && adMoreAccurate, cheaper || adMoreAccurate),
      evidence: `To ${t}: L-BFGS ${lbReached ? `${fmt(tl.passes, 3)} passes` : 'not reached'}, Adagrad ${adReached ? `${fmt(ta.passes, 3)} passes` : 'not reached'}. Final F − f*: L-BFGS ${g3(lb.gap)}, Adagrad ${g3(ad.gap)}. One Adagrad iteration is ${fmt(ad.passesPerIteration, 3)} of a pass, one L-BFGS iteration ${fmt(lb.passesPerIteration, 3)} passes.`,
    });
  }

  const pb = f.proxBfgs.arms.find((x) => x.name === 'proximal BFGS, step 0.1');
  const pg = f.proxBfgs.arms.find((x) => x.name === 'proximal gradient (ISTA)');
  if (pb && pg) {
    const close = Math.abs(pb.arm.gap - pg.arm.gap) <= 0.5 * Math.max(pb.arm.gap, pg.arm.gap);
    out.push({
      question: '10',
      claim: 'Proximal BFGS gives results very similar to proximal gradient, the latter slightly lower.',
      criterion:
        'confirmed if proximal gradient ends lower and within a factor 2 of proximal BFGS (step 0.1); refined if they are within a factor 2 the other way; contradicted otherwise.',
      verdict: verdict(pg.arm.gap <= pb.arm.gap && close, close),
      evidence: `At λ = ${PROX_BFGS_LAMBDA}: proximal BFGS (step 0.1) F − F* = ${g3(pb.arm.gap)}, proximal gradient ${g3(pg.arm.gap)}; ${f.proxBfgs.arms.map((x) => `${x.name} ${g3(x.arm.gap)}`).join(', ')}.`,
    });
  }

  const l = f.lbfgs;
  if (l.m0 && l.best) {
    out.push({
      question: '11',
      claim: 'L-BFGS with memory m ∈ {0, 5, 10}: larger memories reach lower losses.',
      criterion:
        'confirmed if the final gap does not increase with m; refined if every m > 0 beats m = 0 but not monotonically; contradicted otherwise.',
      verdict: verdict(l.monotone, l.everyMemoryHelps),
      evidence: `With a Wolfe line search after ${fmt(l.m0.iterations)} iterations: ${l.arms.map((x) => `m = ${fmt(x.param)} ${g3(x.gap)}`).join(', ')}.`,
    });
  }
  return out;
}

export function conclusionsSection(f: StudyFacts): Section {
  const list = conclusions(f);
  const count = (v: Verdict) => list.filter((c) => c.verdict === v).length;
  return {
    id: 'conclusions',
    title: 'The study’s conclusions, checked',
    text: `<p>${list.length} conclusions of the original notebook, each checked against this run's measurements by the stated criterion: ${count('confirmed')} confirmed, ${count('refined')} refined, ${count('contradicted')} contradicted.</p>`,
    figures: [],
    tables: [
      {
        caption: 'Conclusions of the original study against the measurements',
        headers: ['question', 'the study said', 'verdict', 'criterion', 'evidence'],
        rows: list.map((c) => [c.question, c.claim, c.verdict, c.criterion, c.evidence]),
      },
    ],
  };
}
