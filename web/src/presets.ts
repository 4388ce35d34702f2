/**
 * The study's questions as playground presets: one click fills the run cards with a question's runs, exactly
 * as `optlab study` runs them. The runs come from the study's own sweep (`studySweep` of src/study/preset.ts,
 * validated and expanded like any sweep file), grouped by the section they belong to, so a change of the study
 * changes its presets.
 *
 * Each run keeps the study's method, parameters, λ (a run's own, `mK.lambda`), budgets and start; only seed 0
 * of the study's seeds is kept (the study repeats stochastic runs over 3 seeds to draw a band; a card is one
 * run). Left out: the reference runs (they fix f*, the playground's F_best does that) and the sparsity path,
 * whose λ values are fractions of λ_max of the data. The problem (loss, labels, rows) is the setting's:
 * `full` (all rows, labels 0/1, start at zeros) or `seed` (the original notebook's first 1000 rows, labels ±1
 * and a random start). The data stays what the page has chosen (the study uses a9a).
 *
 * DOM-free (tests import it in Node).
 */
import { type StudyPreset, studySweep } from '../../src/study/preset.js';
import { expandSweep } from '../../src/sweep/expand.js';
import { validateSweep } from '../../src/sweep/schema.js';
import type { ChartConfig, ProblemConfig, RunSpec } from './config.js';
import { BUDGET_NAMES, type Budgets } from './fields.js';
import { STUDY_GROUPS } from './study-groups.js';

export interface Preset {
  /** The study's section (group) id, e.g. `q3-gd-steps`. */
  id: string;
  title: string;
  problem: ProblemConfig;
  runs: RunSpec[];
  /** The x-axis the study's figure uses; y is F − F_best on a log scale. */
  chart: ChartConfig;
}

/** The presets of a setting, in the study's order. */
export function studyPresets(setting: StudyPreset): Preset[] {
  // λ_max only places the sparsity path, which is left out (with the reference runs); the data name is not used.
  const raw = studySweep({ preset: setting, seeds: 1, lambdaMax: 1, data: 'data' });
  const methods = (raw.methods as Array<{ group?: string }>).filter(
    (m) => m.group !== undefined && STUDY_GROUPS[m.group]?.preset === true,
  );
  const runs = expandSweep(validateSweep({ ...raw, methods }, `the study's sweep (${setting})`));
  const presets = new Map<string, Preset>();
  for (const r of runs) {
    const shown = r.group === undefined ? undefined : STUDY_GROUPS[r.group];
    if (r.group === undefined || shown === undefined || r.seed !== 0) continue;
    let preset = presets.get(r.group);
    if (preset === undefined) {
      preset = {
        id: r.group,
        title: shown.title,
        problem: {
          objective: r.objective.loss,
          labels: r.objective.labels,
          lambda: 0,
          l2: r.objective.l2,
          ...(r.dataset.subset !== undefined ? { subset: r.dataset.subset } : {}),
        },
        runs: [],
        chart: { x: shown.x, y: 'gap', log: true, logX: false },
      };
      presets.set(r.group, preset);
    }
    const budgets: Budgets = {};
    for (const name of BUDGET_NAMES) {
      const v = r.budgets[name];
      if (v !== undefined) budgets[name] = v;
    }
    preset.runs.push({
      method: r.method,
      params: { ...r.params },
      budgets,
      seed: r.seed,
      init: r.init,
      ...(r.objective.lambda !== 0 ? { lambda: r.objective.lambda } : {}),
    });
  }
  return [...presets.values()];
}
