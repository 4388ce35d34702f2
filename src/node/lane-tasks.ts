/**
 * Work that a sweep's lanes do besides its runs (`SweepOptions.tasks`): the study's extras (gradient checks,
 * data statistics, correlations) and its landscape minimizations, which run on the sweep's worker threads (they
 * hold the data and its WebAssembly kernels already) before the sweep's own runs, so that they share both cores
 * with the runs instead of running alone before and after the sweep. The same code runs on the main thread for
 * a sweep of one lane. No Node API.
 */
import type { Dataset } from '../data/dataset.js';
import type { LabelEncoding, LabelMap } from '../data/labels.js';
import { OptlabError } from '../errors.js';
import { Objective } from '../objectives/objective.js';
import { type EndPoint, type LandscapeStart, minimizeFromStart } from '../run/landscape.js';
import type { MethodConfig } from '../run/minimize.js';
import { type StudyExtras, studyExtras } from '../study/extras.js';
import type { RunData } from '../sweep/execute.js';

/** The dataset of the sweep a task runs on (`dataset`: its key), which must be the data the caller means. */
interface OnData {
  dataset: string;
  /** The same file, features and label encoding as the caller's data. */
  sha256: string;
  features: number;
  labelMap: LabelMap;
}

/** One minimization of the landscape (`minimizeFromStart`). */
export interface MinimizeTask extends OnData {
  type: 'minimize';
  loss: 'sigmoid-lsq' | 'logistic';
  l2: number;
  method: MethodConfig;
  budget: { tol: number; maxIter: number };
  start: LandscapeStart;
}

/** The study's extras (`studyExtras`) of the training data. */
export interface ExtrasTask extends OnData {
  type: 'extras';
  name: string;
  /** Raw labels as read (for the label balance). */
  rawLabels: Float64Array;
  encoding: LabelEncoding;
}

export type LaneTask = MinimizeTask | ExtrasTask;

/** What a task gives, and the seconds it took where it ran. */
export type LaneTaskResult =
  | { type: 'minimize'; end: EndPoint; seconds: number }
  | { type: 'extras'; extras: StudyExtras; seconds: number };

/** The identity of `ds` as a task checks it. */
export function onData(dataset: string, ds: Dataset): OnData {
  return { dataset, sha256: ds.sha256, features: ds.X.cols, labelMap: ds.labelMap };
}

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
    throw new OptlabError(`the sweep's dataset ${task.dataset} is not the data of this ${task.type} task`);
  }
  const seconds = () => (performance.now() - t0) / 1000;
  if (task.type === 'extras') {
    const extras = studyExtras({
      name: task.name,
      X: train.X,
      rawLabels: task.rawLabels,
      y: train.y,
      encoding: task.encoding,
    });
    return { type: 'extras', extras, seconds: seconds() };
  }
  const objective = new Objective(train.X, train.y, { loss: task.loss, l2: task.l2 });
  const end = minimizeFromStart(objective, task.method, task.budget, task.start);
  return { type: 'minimize', end, seconds: seconds() };
}
