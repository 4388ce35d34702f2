/**
 * Work that a sweep's lanes do besides its runs (`SweepOptions.tasks`): today the study's landscape
 * minimizations, which run on the sweep's worker threads (they hold the data and its WebAssembly kernels
 * already) before the sweep's own runs, so that they fill both cores instead of running alone after the sweep.
 * The same code runs on the main thread for a sweep of one lane. No Node API.
 */
import type { LabelMap } from '../data/labels.js';
import { OptlabError } from '../errors.js';
import { Objective } from '../objectives/objective.js';
import { type EndPoint, type LandscapeStart, minimizeFromStart } from '../run/landscape.js';
import type { MethodConfig } from '../run/minimize.js';
import type { RunData } from '../sweep/execute.js';

/**
 * One minimization of the landscape (`minimizeFromStart`) on a dataset of the sweep (`dataset`: its key),
 * which must be the data the caller means: the same file (`sha256`), features and label encoding.
 */
export interface MinimizeTask {
  type: 'minimize';
  dataset: string;
  sha256: string;
  features: number;
  labelMap: LabelMap;
  loss: 'sigmoid-lsq' | 'logistic';
  l2: number;
  method: MethodConfig;
  budget: { tol: number; maxIter: number };
  start: LandscapeStart;
}

export type LaneTask = MinimizeTask;

/** A task's end point, and the seconds it took where it ran. */
export type LaneTaskResult = EndPoint & { seconds: number };

/** Runs a task on the sweep's loaded data; throws an `OptlabError` when the data are not the task's. */
export function runLaneTask(task: LaneTask, datasets: ReadonlyMap<string, RunData>): LaneTaskResult {
  const t0 = performance.now();
  const train = datasets.get(task.dataset)?.train;
  if (
    train === undefined ||
    train.sha256 !== task.sha256 ||
    train.X.cols !== task.features ||
    JSON.stringify(train.labelMap) !== JSON.stringify(task.labelMap)
  ) {
    throw new OptlabError(`the sweep's dataset ${task.dataset} is not the data of this landscape start`);
  }
  const objective = new Objective(train.X, train.y, { loss: task.loss, l2: task.l2 });
  const end = minimizeFromStart(objective, task.method, task.budget, task.start);
  return { ...end, seconds: (performance.now() - t0) / 1000 };
}
