import { problemKey, problemName, problemOf } from '../../report/aggregate.js';
import { convergenceFigure, type Figure } from '../../report/figures.js';
import type { RunRow } from '../../sweep/results.js';
import type { StudyData } from '../data.js';
import { endPointHover } from './tables.js';

/** A one-problem convergence figure of some runs, F − f* with f* stated on it. */
export function gapFigure(
  d: StudyData,
  runs: readonly RunRow[],
  opts: {
    id: string;
    title: string;
    x: 'iter' | 'passes' | 'seconds' | 'epoch';
    caption?: string;
    colorBy?: 'label' | 'method';
  },
): Figure {
  const f = runs.length > 0 ? d.fStarOf(runs[0]) : Number.NaN;
  const keys = new Set(runs.map(problemKey));
  if (keys.size > 1) throw new Error(`figure ${opts.id}: runs of ${keys.size} problems`);
  return convergenceFigure(d.tracesOf(runs), {
    id: opts.id,
    x: opts.x,
    y: Number.isFinite(f) ? 'gap' : 'value',
    ...(Number.isFinite(f) ? { fStar: f } : {}),
    ...(runs.length > 0 ? { problem: problemName(problemOf(runs[0])) } : {}),
    ...(d.fStarMeaning(runs[0]) ? { fStarMeaning: d.fStarMeaning(runs[0]) } : {}),
    title: opts.title,
    ...(opts.caption ? { caption: opts.caption } : {}),
    ...(opts.colorBy ? { colorBy: opts.colorBy } : {}),
    ...endPointHover(d, runs),
  });
}
