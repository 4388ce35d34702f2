/**
 * The study's facts: everything the report says, computed once from the results. Selections (the best run of
 * each grid, the reference runs), numbers (final gaps, costs, sparsities) and booleans (does memory help
 * monotonically? is the best step at the edge of its grid?). The section renderers read only these facts, and
 * print a sentence only when the facts it states hold. Core-safe.
 */
import { gapFloor } from '../report/aggregate.js';
import type { RunRow } from '../sweep/results.js';
import type { StudyData } from './data.js';
import type { StudyExtras } from './extras.js';
import { GROUPS, PROX_BFGS_LAMBDA, type StudyPreset } from './preset.js';

/** How the study was set up (all of it read from the results, nothing assumed). */
export interface Setting {
  preset: StudyPreset;
  dataset: string;
  /** Rows and features used by the runs. */
  rows: number;
  features: number;
  /** Rows of the file when a subset was used (else null). */
  subsetOf: number | null;
  loss: string;
  labels: string;
  l2: number;
  start: 'zeros' | 'randn';
  seeds: number;
  /** The test set (name and rows), or null. */
  test: { name: string; rows: number } | null;
  /** Share of the larger class in the training data (what a constant predictor scores there). */
  majority: number;
  /** The same on the test set, when known. */
  testMajority: number | null;
}

/** One run label (all its seeds) summarized. */
export interface Arm {
  label: string;
  runs: RunRow[];
  /** Mean over seeds of the final F − f*, final F, passes, iterations, epochs, seconds. */
  gap: number;
  value: number;
  passes: number;
  iterations: number;
  epochs: number;
  seconds: number;
  /** Runs that diverged, and runs that stopped as saturated or plateau. */
  diverged: number;
  flat: number;
  /** The numeric parameter the arm's grid varies (step, batch, memory, λ), when there is one. */
  param: number;
}

/** A grid of arms over one parameter, with its best arm and whether that best sits at an edge of the grid. */
export interface GridFacts {
  arms: Arm[];
  best: Arm;
  worst: Arm;
  /** 'low' or 'high' when the best arm has the smallest or largest parameter of a grid of 3 or more. */
  bestAtEdge: 'low' | 'high' | null;
  diverged: string[];
  flat: string[];
}

export interface LandscapeFacts {
  starts: number;
  fStar: number;
  minima: Array<{
    value: number;
    gradNorm: number;
    norm: number;
    /** Smallest and largest ‖x‖ of the group's end points; absent in study files written before it. */
    normRange?: [number, number];
    count: number;
    minEigenvalue: number;
    maxEigenvalue: number;
    /** Residual bound of minEigenvalue (see `StationaryPoint`); absent in study files written before it. */
    minEigenvalueResidual?: number;
    starts: string[];
  }>;
  /** max − min of the end points' values. */
  valueSpread: number;
  valueTol: number;
  distanceTol: number;
  /** Interior points of the barrier test between end points (see `groupEndPoints`); absent in older files. */
  barrierPoints?: number;
  /** Which point each classified run reached (index into minima, or null: not at a mapped point). */
  reached: Record<string, number | null>;
}

export interface CostRow {
  problem: string;
  name: string;
  label: string;
  callsPerIteration: number;
  passesPerIteration: number;
  targets: Array<{
    target: number;
    reached: number;
    of: number;
    passes: number;
    calls: number;
    updates: number;
    seconds: number;
  }>;
  gap: number;
  /** Means over seeds of the final passes, seconds and test accuracy (undefined without a test set). */
  passes: number;
  seconds: number;
  testAccuracy: number | undefined;
}

export interface StudyFacts {
  setting: Setting;
  /** f* of the smooth problem and where it comes from. */
  fStar: { smooth: number; fromLandscape: boolean; runsBest: number };
  landscape: LandscapeFacts | null;
  gd: GridFacts & { lineSearch: Arm[]; iterations: number; largerStepsNoWorse: boolean };
  sgd: {
    steps: GridFacts;
    batches: GridFacts;
    epochs: number;
    batchOfSteps: number | null;
    stepOfBatches: number | null;
  };
  adaptive: {
    arms: Arm[];
    sgdBest: Arm;
    adagrad: GridFacts | null;
    best: Arm;
    adagradBeatsSgd: boolean;
    edges: string[];
  };
  prox: {
    lambdaMax: number;
    rows: Array<{
      lambda: number;
      fraction: number;
      sparsity: number;
      value: number;
      refSparsity: number;
      refValue: number;
    }>;
    ista: Arm | null;
    fista: Arm | null;
    fistaLambda: number;
  };
  bfgs: { constant: Arm | null; wolfe: Arm | null; gdBest: Arm; reference: RunRow | null; nan: number };
  sbfgs: { grid: GridFacts | null; sgdBest: Arm; finite: number; total: number; flatRuns: RunRow[] };
  cost: CostRow[];
  proxBfgs: { arms: Array<{ name: string; arm: Arm }>; lowest: string };
  lbfgs: {
    arms: Arm[];
    monotone: boolean;
    /** The best memory's gap is at round-off (`roundOffGap`): the factor over m = 0 is then a lower bound. */
    bestAtRoundOff: boolean;
    everyMemoryHelps: boolean;
    factor: number;
    m0: Arm | null;
    best: Arm | null;
  };
  accuracy: {
    rows: Array<{ name: string; problem: string; test: number; train: number; zeros: number }>;
    best: number;
    spread: number;
  } | null;
}

/** Mean of finite values (NaN if none). */
function mean(values: ReadonlyArray<number | null | undefined>): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/** The arms of some runs (one per label, in order of appearance), the varied parameter read by `param`. */
export function arms(d: StudyData, runs: readonly RunRow[], param?: (r: RunRow) => unknown): Arm[] {
  return d.labels(runs).map((label) => {
    const rs = runs.filter((r) => r.label === label);
    return {
      label,
      runs: rs,
      gap: mean(rs.map((r) => d.finalGap(r))),
      value: mean(rs.map((r) => r.result.value)),
      passes: mean(rs.map((r) => r.result.counts.passes)),
      iterations: mean(rs.map((r) => r.result.iterations)),
      epochs: mean(rs.map((r) => r.result.epochs)),
      seconds: mean(rs.map((r) => r.result.seconds)),
      diverged: rs.filter((r) => r.result.stopReason === 'diverged' || !Number.isFinite(r.result.value)).length,
      flat: rs.filter((r) => r.result.stopReason === 'saturated' || r.result.stopReason === 'plateau').length,
      param: param ? Number(param(rs[0])) : Number.NaN,
    };
  });
}

/** Lowest mean final gap (ties: first; NaN gaps lose). */
export function bestArm(list: readonly Arm[]): Arm | null {
  let best: Arm | null = null;
  for (const a of list)
    if (best === null || a.gap < best.gap || (Number.isNaN(best.gap) && !Number.isNaN(a.gap))) best = a;
  return best;
}

function worstArm(list: readonly Arm[]): Arm | null {
  let worst: Arm | null = null;
  for (const a of list) if (worst === null || !(a.gap <= worst.gap)) worst = a;
  return worst;
}

/** Grid facts of some arms (at least one). */
export function grid(list: Arm[]): GridFacts {
  const best = bestArm(list)!;
  const params = list.map((a) => a.param).filter((v) => Number.isFinite(v));
  let bestAtEdge: 'low' | 'high' | null = null;
  if (params.length >= 3 && Number.isFinite(best.param)) {
    if (best.param === Math.min(...params)) bestAtEdge = 'low';
    else if (best.param === Math.max(...params)) bestAtEdge = 'high';
  }
  return {
    arms: list,
    best,
    worst: worstArm(list)!,
    bestAtEdge,
    diverged: list.filter((a) => a.diverged > 0).map((a) => a.label),
    flat: list.filter((a) => a.flat > 0).map((a) => a.label),
  };
}

const step = (r: RunRow) => r.params.step;
const batch = (r: RunRow) => r.params.batch;

/** Whether ys is non-increasing (within a relative 1e-12) as xs increases. */
/**
 * Whether y never increases with x. Gaps at most `tie` count as equal: both runs reached f* to round-off
 * (e.g. 1.00e-16 and 1.11e-16 differ by one unit in the last place of F).
 */
function nonIncreasing(points: Array<{ x: number; y: number }>, tie = 0): boolean {
  const s = [...points].sort((a, b) => a.x - b.x);
  for (let i = 1; i < s.length; i++) {
    if (!(s[i].y <= s[i - 1].y * (1 + 1e-12) || s[i].y <= tie)) return false;
  }
  return true;
}

/** Gaps at most this reached f* to round-off: 100 times the gap floor, 1e-14·max(1, |f*|). */
export function roundOffGap(fStar: number): number {
  return 100 * gapFloor(fStar);
}

export interface FactsInput {
  data: StudyData;
  extras: StudyExtras;
  setting: Setting;
  landscape: LandscapeFacts | null;
}

/** Computes every fact of the study from its results. */
export function studyFacts(input: FactsInput): StudyFacts {
  const { data: d, extras, setting, landscape } = input;
  const smoothRuns = d.where((r) => r.objective.lambda === 0);
  const runsBest = Math.min(...smoothRuns.map((r) => r.result.value).filter((v) => Number.isFinite(v)));
  const smoothFStar = smoothRuns.length > 0 ? d.fStarOf(smoothRuns[0]) : Number.NaN;

  // Q3
  const gdArms = arms(d, d.group(GROUPS.gdSteps), step);
  const gdGrid = grid(gdArms);
  const stable = gdArms.filter((a) => a.diverged === 0 && a.flat === 0);
  const gd = {
    ...gdGrid,
    lineSearch: arms(d, d.group(GROUPS.gdLineSearch)),
    iterations: gdArms[0]?.iterations ?? 0,
    largerStepsNoWorse: stable.length >= 2 && nonIncreasing(stable.map((a) => ({ x: a.param, y: a.gap }))),
  };

  // Q4
  const stepRuns = d.group(GROUPS.sgdSteps);
  const batchOfSteps = stepRuns.length > 0 ? Number(stepRuns[0].params.batch) : null;
  const stepOfBatchesRuns = d.group(GROUPS.sgdBatches);
  const stepOfBatches = stepOfBatchesRuns.length > 0 ? Number(stepOfBatchesRuns[0].params.step) : null;
  const batchRuns = [...stepOfBatchesRuns, ...stepRuns.filter((r) => r.params.step === stepOfBatches)].sort(
    (a, b) => Number(a.params.batch) - Number(b.params.batch),
  );
  const sgdAll = d.where((r) => r.method === 'sgd' && (r.group === GROUPS.sgdSteps || r.group === GROUPS.sgdBatches));
  const sgdBest = bestArm(arms(d, sgdAll))!;
  const sgd = {
    steps: grid(arms(d, stepRuns, step)),
    batches: grid(arms(d, batchRuns, batch)),
    epochs: mean(stepRuns.map((r) => r.result.epochs)),
    batchOfSteps,
    stepOfBatches,
  };

  // Q5
  const adaptiveRuns = d.group(GROUPS.adaptive);
  const adaptiveArms = arms(d, adaptiveRuns, step);
  const adagradArms = arms(
    d,
    adaptiveRuns.filter((r) => r.method === 'adagrad'),
    step,
  );
  const adagrad = adagradArms.length > 0 ? grid(adagradArms) : null;
  const edges: string[] = [];
  for (const m of ['adagrad', 'adam']) {
    const list = arms(
      d,
      adaptiveRuns.filter((r) => r.method === m),
      step,
    );
    if (list.length >= 2) {
      const g = grid(list);
      const ps = list.map((a) => a.param);
      if (g.best.param === Math.min(...ps) || g.best.param === Math.max(...ps)) edges.push(g.best.label);
    }
  }
  const adaptive = {
    arms: adaptiveArms,
    sgdBest,
    adagrad,
    best: bestArm([sgdBest, ...adaptiveArms])!,
    adagradBeatsSgd: adagrad !== null && adagrad.best.gap < sgdBest.gap,
    edges,
  };

  // Q6
  const prox = d.group(GROUPS.proxLambda);
  const refs = d.where((r) => r.group === GROUPS.reference && r.method === 'owlqn');
  const lambdas = [...new Set(prox.map((r) => r.objective.lambda))].sort((a, b) => a - b);
  const fistaRuns = d.group(GROUPS.fista);
  const fistaLambda = fistaRuns.length > 0 ? Math.max(...fistaRuns.map((r) => r.objective.lambda)) : Number.NaN;
  const proxFacts = {
    lambdaMax: extras.lambdaMax,
    rows: lambdas.map((lambda) => {
      const pr = prox.filter((r) => r.objective.lambda === lambda);
      const ref = refs.filter((r) => r.objective.lambda === lambda);
      return {
        lambda,
        fraction: lambda / extras.lambdaMax,
        sparsity: mean(pr.map((r) => r.result.sparsity)),
        value: mean(pr.map((r) => r.result.value)),
        refSparsity: mean(ref.map((r) => r.result.sparsity)),
        refValue: mean(ref.map((r) => r.result.value)),
      };
    }),
    ista:
      arms(
        d,
        prox.filter((r) => r.objective.lambda === fistaLambda),
      )[0] ?? null,
    fista:
      arms(
        d,
        fistaRuns.filter((r) => r.objective.lambda === fistaLambda),
      )[0] ?? null,
    fistaLambda,
  };

  // Q7
  const bfgsRuns = d.group(GROUPS.bfgs);
  const reference = d.where((r) => r.group === GROUPS.reference && r.method === 'bfgs')[0] ?? null;
  const bfgs = {
    constant:
      arms(
        d,
        bfgsRuns.filter((r) => r.params.lineSearch === 'none'),
      )[0] ?? null,
    wolfe:
      arms(
        d,
        bfgsRuns.filter((r) => r.params.lineSearch === 'wolfe'),
      )[0] ?? null,
    gdBest: gdGrid.best,
    reference,
    nan: d.where((r) => r.method === 'bfgs' && r.result.stopReason === 'diverged').length,
  };

  // Q8
  const sb = d.group(GROUPS.sbfgs);
  const sbArms = arms(d, sb, step);
  const sbfgs = {
    grid: sbArms.length > 0 ? grid(sbArms) : null,
    sgdBest,
    finite: sb.filter((r) => Number.isFinite(r.result.value) && r.result.stopReason !== 'diverged').length,
    total: sb.length,
    flatRuns: sb.filter((r) => r.result.stopReason === 'saturated' || r.result.stopReason === 'plateau'),
  };

  // Q9 / 12
  const reps = representatives(d, gdGrid.best, sgdBest);
  const cost: CostRow[] = [];
  for (const [problem, list] of [
    ['λ = 0', reps.smooth],
    [`λ = ${PROX_BFGS_LAMBDA}`, reps.l1],
  ] as const) {
    for (const rep of list) {
      const r0 = rep.arm.runs[0];
      cost.push({
        problem,
        name: rep.name,
        label: rep.arm.label,
        callsPerIteration: r0.result.iterations > 0 ? r0.result.counts.oracleCalls / r0.result.iterations : Number.NaN,
        passesPerIteration:
          r0.result.iterations > 0
            ? (r0.result.counts.passes - (passesAtStart(d, r0) ?? 0)) / r0.result.iterations
            : Number.NaN,
        targets: COST_TARGETS.map((target) => {
          const costs = rep.arm.runs.map((r) => d.costToTarget(r, target));
          const reached = costs.filter((c) => c !== null);
          return {
            target,
            reached: reached.length,
            of: rep.arm.runs.length,
            passes: mean(reached.map((c) => c!.passes)),
            calls: mean(reached.map((c) => c!.oracleCalls)),
            updates: mean(reached.map((c) => c!.vectorUpdates)),
            seconds: mean(reached.map((c) => c!.seconds)),
          };
        }),
        gap: rep.arm.gap,
        passes: rep.arm.passes,
        seconds: rep.arm.seconds,
        testAccuracy:
          r0.result.testAccuracy === undefined ? undefined : mean(rep.arm.runs.map((r) => r.result.testAccuracy)),
      });
    }
  }

  // Q10
  const proxBfgs = reps.l1;
  const lowest = bestArm(proxBfgs.map((r) => r.arm));

  // Q11
  const memArms = arms(d, d.group(GROUPS.lbfgs), (r) => r.params.memory).sort((a, b) => a.param - b.param);
  const m0 = memArms.find((a) => a.param === 0) ?? null;
  const withMemory = memArms.filter((a) => a.param > 0);
  const bestMem = bestArm(withMemory);
  const lbfgs = {
    arms: memArms,
    monotone:
      memArms.length >= 2 &&
      nonIncreasing(
        memArms.map((a) => ({ x: a.param, y: a.gap })),
        roundOffGap(smoothFStar),
      ),
    bestAtRoundOff: bestMem !== null && bestMem.gap <= roundOffGap(smoothFStar),
    everyMemoryHelps: m0 !== null && withMemory.length > 0 && withMemory.every((a) => a.gap < m0.gap),
    factor: m0 !== null && bestMem !== null ? m0.gap / bestMem.gap : Number.NaN,
    m0,
    best: bestMem,
  };

  // accuracy
  const all = [...reps.smooth, ...reps.l1];
  let accuracy: StudyFacts['accuracy'] = null;
  if (all.some((r) => r.arm.runs[0].result.testAccuracy !== undefined)) {
    const rows = all.map((r) => ({
      name: r.name,
      problem: r.arm.runs[0].objective.lambda === 0 ? 'λ = 0' : `λ = ${r.arm.runs[0].objective.lambda}`,
      test: mean(r.arm.runs.map((x) => x.result.testAccuracy)),
      train: mean(r.arm.runs.map((x) => x.result.trainAccuracy)),
      zeros: mean(r.arm.runs.map((x) => x.result.sparsity)),
    }));
    const tests = rows.map((r) => r.test).filter((v) => Number.isFinite(v));
    accuracy = { rows, best: Math.max(...tests), spread: Math.max(...tests) - Math.min(...tests) };
  }

  return {
    setting,
    fStar: { smooth: smoothFStar, fromLandscape: landscape !== null && landscape.fStar < runsBest, runsBest },
    landscape,
    gd,
    sgd,
    adaptive,
    prox: proxFacts,
    bfgs,
    sbfgs,
    cost,
    proxBfgs: { arms: proxBfgs, lowest: lowest?.label ?? '' },
    lbfgs,
    accuracy,
  };
}

/** Relative targets of the cost table: F − f* ≤ target · (F(x₀) − f*). */
export const COST_TARGETS = [1e-2, 1e-4];

/** Passes spent before the first iteration (full-batch methods evaluate x₀ in `init`). */
function passesAtStart(d: StudyData, r: RunRow): number | undefined {
  return d.traceOf(r)[0]?.passes;
}

/** A named representative arm of a method. */
export interface Representative {
  name: string;
  arm: Arm;
}

/**
 * One representative per method for the cost and accuracy tables: the best label of each method where it was
 * tuned (lowest mean final gap), and the study's own settings where they matter.
 */
export function representatives(
  d: StudyData,
  gdBest?: Arm,
  sgdBest?: Arm,
): { smooth: Representative[]; l1: Representative[] } {
  const rep = (name: string, runs: RunRow[]): Representative[] => {
    const b = bestArm(arms(d, runs));
    return b === null ? [] : [{ name, arm: b }];
  };
  const l1 = (runs: RunRow[]) => runs.filter((r) => r.objective.lambda === PROX_BFGS_LAMBDA);
  const adaptive = d.group(GROUPS.adaptive);
  return {
    smooth: [
      ...(gdBest
        ? [{ name: 'GD, best constant step', arm: gdBest }]
        : rep('GD, best constant step', d.group(GROUPS.gdSteps))),
      ...rep(
        'GD, Wolfe line search',
        d.where((r) => r.group === GROUPS.gdLineSearch && r.params.lineSearch === 'wolfe'),
      ),
      ...(sgdBest
        ? [{ name: 'SGD, best of Q4', arm: sgdBest }]
        : rep(
            'SGD, best of Q4',
            d.where((r) => r.method === 'sgd' && (r.group === GROUPS.sgdSteps || r.group === GROUPS.sgdBatches)),
          )),
      ...rep(
        'SGD + momentum',
        adaptive.filter((r) => r.method === 'sgd'),
      ),
      ...rep(
        'Adagrad',
        adaptive.filter((r) => r.method === 'adagrad'),
      ),
      ...rep(
        'Adam',
        adaptive.filter((r) => r.method === 'adam'),
      ),
      ...rep(
        'BFGS, study (step 0.01)',
        d.where((r) => r.group === GROUPS.bfgs && r.params.lineSearch === 'none'),
      ),
      ...rep(
        'BFGS, Wolfe',
        d.where((r) => r.group === GROUPS.bfgs && r.params.lineSearch === 'wolfe'),
      ),
      ...rep('stochastic BFGS, best', d.group(GROUPS.sbfgs)),
      ...rep(
        'L-BFGS, m = 10',
        d.where((r) => r.group === GROUPS.lbfgs && r.params.memory === 10),
      ),
    ],
    l1: [
      ...rep('proximal gradient (ISTA)', l1(d.group(GROUPS.proxLambda))),
      ...rep('FISTA', l1(d.group(GROUPS.fista))),
      ...rep(
        'proximal BFGS, step 0.1',
        d.where((r) => r.group === GROUPS.proxBfgs && r.params.lineSearch === 'none'),
      ),
      ...rep(
        'proximal BFGS, backtracking',
        d.where((r) => r.group === GROUPS.proxBfgs && r.params.lineSearch === 'armijo'),
      ),
      ...rep('OWL-QN', l1(d.where((r) => r.group === GROUPS.reference && r.method === 'owlqn'))),
    ],
  };
}
