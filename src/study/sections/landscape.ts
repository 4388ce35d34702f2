import { fmt, type Section } from '../../report/build.js';
import { landscapeMethod } from '../../run/landscape.js';
import type { RunRow } from '../../sweep/results.js';
import type { StudyData } from '../data.js';
import type { LandscapeFacts, StudyFacts } from '../facts.js';
import { code, g3, p, when } from '../text.js';

/** The kind of every stationary point of a convex loss (whatever Lanczos found: its eigenvalues are ≥ 0). */
const CONVEX_KIND = 'global minimum (convex loss)';

/** Lanczos steps of the landscape's eigenvalues (`extremeEigenvalues`' default at the study's sizes: min(d, 40)). */
const LANCZOS_STEPS = 40;

/**
 * How a stationary point looks from its smallest Hessian eigenvalue θ (a Lanczos Ritz value: never below the
 * smallest eigenvalue) against the largest, and θ's residual bound r (∇²f has an eigenvalue within r of θ).
 * θ counts as converged when r ≤ 1e-6 of the largest eigenvalue (the saddle threshold); else θ is only an
 * upper bound of the smallest eigenvalue, which may be lower (even negative).
 */
export function kindOf(minEig: number, maxEig: number, residual = 0): string {
  if (!Number.isFinite(minEig)) return 'unknown (no Hessian-vector product)';
  const scale = Math.max(Math.abs(maxEig), Number.MIN_VALUE);
  const converged = residual <= 1e-6 * scale;
  if (minEig < -1e-6 * scale) return 'saddle (negative curvature)';
  if (minEig <= 1e-4 * scale) return converged ? 'flat direction (valley)' : 'flat direction or saddle (not converged)';
  return converged ? 'strict local minimum' : 'not known (not converged)';
}

/** The landscape: where the smooth problem's minimizers end, and what f* therefore means. */
export function landscapeSection(f: StudyFacts, d: StudyData): Section | null {
  const l = f.landscape;
  if (l === null) return null;
  const convex = f.setting.loss === 'logistic';
  const kinds = l.minima.map((m) =>
    convex ? CONVEX_KIND : kindOf(m.minEigenvalue, m.maxEigenvalue, m.minEigenvalueResidual),
  );
  const flat = kinds.filter((k) => k === 'flat direction (valley)').length;
  const unconverged = kinds.filter((k) => k.endsWith('(not converged)')).length;
  const saddles = kinds.filter((k) => k.startsWith('saddle')).length;
  const classified = Object.entries(l.reached);
  const atBest = classified.filter(([, i]) => i === 0).length;
  const elsewhere = classified.filter(([, i]) => i !== null && i > 0).length;
  const none = classified.filter(([, i]) => i === null).length;
  const random = l.minima.reduce((n, m) => n + m.starts.filter((x) => x.startsWith('randn#')).length, 0);
  const runLabel = new Map(d.runs.map((r) => [r.id, r.label]));
  const fStar = f.fStar.smooth;
  const lowest = l.minima[0];
  const below = lowest !== undefined && fStar < lowest.value - l.valueTol * Math.max(1, Math.abs(lowest.value));
  const holder = below ? bestSmoothRun(d) : undefined;
  const barrier = (l.barrierPoints ?? 0) > 0;
  const valleys = valleysOf(l);
  const solver = landscapeMethod(f.setting.features).method === 'bfgs' ? 'BFGS' : 'L-BFGS (20 pairs)';
  return {
    id: 'landscape',
    title: 'The landscape: where the minimizers end',
    text: [
      p(
        `${convex ? 'The logistic loss is convex: every stationary point is a global minimum, and end points can differ only along directions in which the loss is flat.' : "The loss is not convex, so a run's end point depends on its start."} The smooth problem was minimized to a gradient-norm tolerance from ${l.starts} starts (${random} seeded N(0, I) draws by ${solver} with a Wolfe search, ‖∇f‖ ≤ 1e-6${l.starts > random ? `, and the end of the study's reference run from ${f.setting.start === 'zeros' ? 'x = 0' : 'its random start'}` : ''}) and the end points grouped into distinct points: the same point when their values agree to ${fmt(l.valueTol)}·max(1, |f|) and ${barrier ? 'either ' : ''}they lie within ${fmt(l.distanceTol)}·max(1, ‖x‖) of each other${barrier ? ` or f at ${l.barrierPoints} evenly spaced points of the segment between them never rises more than that tolerance above the higher end (no barrier between them)` : ''}. ${l.minima.length === 1 ? `All ${l.starts} end points are one point` : `They are ${l.minima.length} distinct points`}, with values spread over ${g3(l.valueSpread)}.${valleys.map((v) => ` Point #${v.index + 1} joins ${v.count} end points with ‖x‖ from ${fmt(v.from, 4)} to ${fmt(v.to, 4)} and no barrier between them: one valley of nearly equal values, not ${v.count} minima.`).join('')}`,
      ),
      p(
        [
          `f* in every convergence figure of the smooth problem is ${fmt(f.fStar.smooth, 10)}: the best value found by all runs and all starts${f.fStar.fromLandscape ? ' (reached by a landscape start)' : ' (reached by a run of the study)'}. It is the lowest point found, not a proven minimum.`,
          when(
            [
              flat > 0,
              `${flat} of the points have a smallest Hessian eigenvalue below 1e-4 of the largest (Lanczos converged to it): a flat direction, along which runs stop at different places with nearly the same value.`,
            ],
            [
              unconverged > 0,
              `At ${unconverged === l.minima.length ? (l.minima.length === 1 ? 'the point' : 'every point') : `${unconverged} of the points`} Lanczos (${LANCZOS_STEPS} steps) had not converged to the smallest eigenvalue (its residual bound is above 1e-6 of the largest eigenvalue): the smallest eigenvalue is at most the value shown${kinds.some((k) => k.startsWith('flat direction or saddle')) ? ', below 1e-4 of the largest, so the point lies in a flat direction or at a saddle' : ''}.`,
            ],
            [saddles > 0, `${saddles} ${saddles === 1 ? 'is a saddle' : 'are saddles'} (negative curvature).`],
            [
              convex && l.minima.length > 1,
              `As end points of a convex loss, the ${l.minima.length} points approximate one minimum value (their values differ by at most ${g3(l.valueSpread)}) and are distinct by distance only: they lie along directions in which the loss is flat.`,
            ],
            [
              below && holder !== undefined,
              `f* lies below every mapped stationary point (the lowest, #1, is ${g3(lowest.value - fStar)} above it): it was reached by ${code(holder?.label ?? '')}, which stopped by ${holder?.result.stopReason} at ‖∇f‖ = ${g3(holder?.result.gradNorm ?? Number.NaN)}, not at a stationary point; so the loss has lower values than any point the landscape found.`,
            ],
          ),
          classified.length > 0
            ? `Of the ${classified.length} full-batch run${classified.length === 1 ? '' : 's'} of the smooth problem that stopped at a stationary point (‖∇f‖ ≤ 1e-5), ${atBest} ended at the lowest mapped point (#1), ${elsewhere} at another one${none > 0 ? `, ${none} at none of the mapped points` : ''}.`
            : '',
        ]
          .filter((s) => s)
          .join(' '),
      ),
    ].join('\n'),
    figures: [],
    tables: [
      {
        caption:
          'Distinct points of the smooth problem (a stationary point, or a valley of end points with no barrier between them), lowest first',
        headers: [
          'point',
          'value',
          'value − f*',
          'gradient norm',
          '‖x‖',
          'starts',
          'smallest eigenvalue',
          'its residual bound',
          'largest eigenvalue',
          'kind',
        ],
        rows: l.minima.map((m, i) => [
          `#${i + 1}`,
          fmt(m.value, 10),
          g3(m.value - fStar),
          g3(m.gradNorm),
          fmt(m.norm, 4),
          `${m.count} (${m.starts.join(', ')})`,
          g3(m.minEigenvalue),
          m.minEigenvalueResidual === undefined ? '' : g3(m.minEigenvalueResidual),
          g3(m.maxEigenvalue),
          kinds[i],
        ]),
      },
      ...(classified.length > 0
        ? [
            {
              caption: 'Which point each run of the smooth problem reached',
              headers: ['run', 'point'],
              rows: classified.map(([id, i]) => [runLabel.get(id) ?? id, i === null ? 'none' : `#${i + 1}`]),
            },
          ]
        : []),
    ],
  };
}

/**
 * The points that join several end points whose ‖x‖ differ by more than the distance tolerance allows: end
 * points joined by the barrier test, spread along one valley (or differing along directions f cannot see).
 */
export function valleysOf(l: LandscapeFacts): Array<{ index: number; count: number; from: number; to: number }> {
  const out: Array<{ index: number; count: number; from: number; to: number }> = [];
  l.minima.forEach((m, index) => {
    const r = m.normRange;
    if (m.count > 1 && r !== undefined && r[1] - r[0] > l.distanceTol * Math.max(1, r[1]))
      out.push({ index, count: m.count, from: r[0], to: r[1] });
  });
  return out;
}

/** The run of the smooth problem whose trace holds the lowest value (the one that set f* when no start did). */
function bestSmoothRun(d: StudyData): RunRow | undefined {
  let best: { run: RunRow; value: number } | undefined;
  for (const r of d.runs) {
    if (r.objective.lambda !== 0) continue;
    for (const t of [...d.traceOf(r), { value: r.result.value }]) {
      if (t.value !== null && Number.isFinite(t.value) && (best === undefined || t.value < best.value))
        best = { run: r, value: t.value };
    }
  }
  return best?.run;
}
