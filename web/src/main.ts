/**
 * The playground page: restores the configuration from the URL, loads the data (registry datasets the
 * server offers, or files from disk) in a worker, builds the run cards from the method table, starts one
 * worker per run, and redraws the chart and the results table at most every 100 ms while runs go.
 * Every change of the configuration is written back to the URL.
 */

import { LABEL_ENCODINGS } from '../../src/data/labels.js';
import { LOSS_NAMES } from '../../src/objectives/losses.js';
import { toJson } from '../../src/run/json.js';
import {
  cliCommand,
  fileName,
  fromQuery,
  type PlaygroundConfig,
  runLabels,
  toQuery,
  type XAxis,
  type YAxis,
} from './config.js';
import { RunManager } from './runs.js';
import { chartRows, X_TITLES, Y_TITLES } from './series.js';
import type { ConvergenceChart } from './ui/chart.js';
import { choiceControl, numberControl } from './ui/controls.js';
import { DataSlot, type ServedDataset } from './ui/data-slot.js';
import { byId, download } from './ui/dom.js';
import { FolderView } from './ui/folder-view.js';
import { ResultsTable } from './ui/results.js';
import { RunForms } from './ui/run-forms.js';

/** Redraws of the chart and the table while runs go: at most one per this many milliseconds. */
const REDRAW_MS = 100;

const parsed = fromQuery(location.search);
const config: PlaygroundConfig = parsed.config;
let autorun = parsed.run;

if (parsed.problems.length > 0) {
  const p = byId('url-problems');
  p.hidden = false;
  p.textContent = `Some settings in the link were not used: ${parsed.problems.join('; ')}.`;
}

const runButton = byId<HTMLButtonElement>('run');
const stopButton = byId<HTMLButtonElement>('stop');
const runStatus = byId('run-status');
const shareStatus = byId('share-status');
const chartEl = byId('chart');

function syncUrl(): void {
  const q = toQuery(config);
  if (q !== location.search) history.replaceState(null, '', q);
}

// ---- data -------------------------------------------------------------------------------------------------

let served: ServedDataset[] = [];

const train = new DataSlot(
  'training set',
  {
    select: byId('dataset'),
    file: byId('file-train'),
    drop: byId('drop-train'),
    progress: byId('progress-train'),
    status: byId('dataset-status'),
  },
  (user) => dataChanged('train', user),
  false,
);
const test = new DataSlot(
  'test set',
  {
    select: byId('test-dataset'),
    file: byId('file-test'),
    drop: byId('drop-test'),
    progress: byId('progress-test'),
    status: byId('test-status'),
  },
  (user) => dataChanged('test', user),
  true,
);

function dataChanged(which: 'train' | 'test', user: boolean): void {
  config.data = train.value;
  config.testData = test.value;
  if (user && which === 'train') {
    // A registry training set brings its test split along when the server has it.
    const entry = served.find((d) => d.name === train.value);
    if (entry?.test && test.value === '' && served.some((d) => d.name === entry.test)) test.choose(entry.test, false);
  }
  syncUrl();
  forms.refresh();
  updateControls();
  maybeAutorun();
}

async function loadIndex(): Promise<void> {
  try {
    const res = await fetch('data/index.json');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    served = (await res.json()) as ServedDataset[];
  } catch (e) {
    served = [];
    byId('dataset-status').textContent =
      `The server offers no datasets (${(e as Error).message}): open a LIBSVM file instead.`;
  }
  train.setServed(served);
  test.setServed(served);
  if (config.data === '' && served.length > 0) {
    const first = served.find((d) => d.name === 'a9a') ?? served[0];
    config.data = first.name;
    if (config.testData === '' && first.test && served.some((d) => d.name === first.test)) {
      config.testData = first.test;
    }
  }
  const testValue = config.testData;
  if (config.data !== '') train.choose(config.data, false);
  if (testValue !== '') test.choose(testValue, false);
  else test.choose('', false);
}

// ---- problem ----------------------------------------------------------------------------------------------

/** Builds (or rebuilds, after a preset) the problem's fields from `config.problem`. */
function problemFields(): void {
  const box = byId('problem-fields');
  box.replaceChildren();
  const p = config.problem;
  const changed = () => {
    syncUrl();
    forms.refresh();
    scheduleRender();
  };
  box.append(
    choiceControl(
      { flag: '--objective', kind: 'choice', choices: LOSS_NAMES, help: 'smooth loss' },
      p.objective,
      undefined,
      (v) => {
        p.objective = v as typeof p.objective;
        changed();
      },
    ).el,
    choiceControl(
      { flag: '--labels', kind: 'choice', choices: LABEL_ENCODINGS, help: 'label encoding: 01 or pm1 (±1)' },
      p.labels,
      undefined,
      (v) => {
        p.labels = v as typeof p.labels;
        changed();
      },
    ).el,
    numberControl(
      { flag: '--lambda', kind: 'number', rule: 'nonNegative', help: 'L1 weight λ: adds λ‖x‖₁' },
      p.lambda === 0 ? undefined : p.lambda,
      '0 (default)',
      (v, ok) => {
        if (ok) p.lambda = v ?? 0;
        changed();
      },
    ).el,
    numberControl(
      { flag: '--l2', kind: 'number', rule: 'nonNegative', help: 'L2 weight μ: adds (μ/2)‖x‖²' },
      p.l2 === 0 ? undefined : p.l2,
      '0 (default)',
      (v, ok) => {
        if (ok) p.l2 = v ?? 0;
        changed();
      },
    ).el,
    numberControl(
      { flag: '--subset', kind: 'number', rule: 'positiveInt', help: 'keep only the first N rows' },
      p.subset,
      'all rows',
      (v, ok) => {
        if (ok) p.subset = v;
        changed();
      },
    ).el,
    numberControl(
      { flag: '--positive', kind: 'number', rule: 'finite', help: 'raw label of the positive class' },
      p.positive,
      'the larger label',
      (v, ok) => {
        if (ok) p.positive = v;
        changed();
      },
    ).el,
  );
}

// ---- runs -------------------------------------------------------------------------------------------------

const manager = new RunManager(() => scheduleRender());
const forms: RunForms = new RunForms(
  byId('runs'),
  () => config,
  () => {
    syncUrl();
    updateControls();
  },
);
const results = new ResultsTable(byId<HTMLTableElement>('results'), manager, () => test.data !== null);

function canRun(): string | null {
  if (config.runs.length === 0) return 'Add a run first.';
  if (train.state === 'loading') return 'Wait for the training set to load.';
  if (train.data === null) return 'Choose a training set or open a file first.';
  if (test.state === 'loading') return 'Wait for the test set to load.';
  return null;
}

function start(): void {
  const why = canRun();
  if (why !== null || train.data === null) {
    runStatus.textContent = why ?? '';
    return;
  }
  const bad = forms.problems();
  manager.start({
    specs: structuredClone(config.runs),
    labels: runLabels(config.runs),
    clis: config.runs.map((_, i) => cliCommand(config, i)),
    problem: structuredClone(config.problem),
    train: train.data,
    ...(test.data ? { test: test.data } : {}),
  });
  runStatus.textContent =
    `Started ${config.runs.length} run${config.runs.length === 1 ? '' : 's'} on ${train.data.name}.` +
    (bad.length > 0 ? ` ${bad.join(' ')}` : '');
}

function maybeAutorun(): void {
  if (!autorun) return;
  if (train.state === 'error') {
    autorun = false;
    return;
  }
  if (train.state === 'loaded' && test.state !== 'loading') {
    autorun = false;
    start();
  }
}

function updateControls(): void {
  const why = canRun();
  runButton.disabled = why !== null;
  runButton.title = why ?? '';
  const active = manager.active;
  if (!active && document.activeElement === stopButton) runButton.focus();
  stopButton.disabled = !active;
}

// ---- chart and table --------------------------------------------------------------------------------------

let chart: Promise<ConvergenceChart> | null = null;
function getChart(): Promise<ConvergenceChart> {
  chart ??= import('./ui/chart.js').then((m) => new m.ConvergenceChart(chartEl));
  return chart;
}

function chartTitle(): string {
  if (folder.showing) return folder.title();
  const p = config.problem;
  const name = train.data?.name ?? (fileName(config.data) || config.data || 'no data');
  // Runs with their own λ (the study's question 6) make λ a per-run setting: the title says so.
  const perRun = config.runs.some((r) => r.lambda !== undefined);
  const l1 = perRun ? 'λ‖x‖₁ (λ per run)' : p.lambda ? `${p.lambda}‖x‖₁` : '';
  const terms = [p.objective, l1, p.l2 ? `(${p.l2}/2)‖x‖²` : ''].filter(Boolean);
  return `${terms.join(' + ')} on ${name}`;
}

let lastRender = 0;
let renderTimer: ReturnType<typeof setTimeout> | null = null;

/** Draws now if the last redraw is older than 100 ms, else once when it will be. */
function scheduleRender(): void {
  if (renderTimer !== null) return;
  const wait = Math.max(0, lastRender + REDRAW_MS - performance.now());
  renderTimer = setTimeout(() => {
    renderTimer = null;
    lastRender = performance.now();
    render();
  }, wait);
}

let wasActive = false;
function render(): void {
  results.render();
  updateControls();
  const runs = manager.runs;
  const c = config.chart;
  const rows = chartRows(
    runs.map((r) => ({
      label: r.label,
      trace: r.trace,
      n: r.n,
      ...(r.problem !== undefined ? { problem: r.problem } : {}),
      ...(r.best !== undefined ? { best: r.best } : {}),
    })),
    c.x,
    c.y,
    c.log,
  );
  chartEl.setAttribute(
    'aria-label',
    runs.length === 0
      ? 'Convergence chart: no runs yet'
      : `Convergence chart of ${runs.length} run${runs.length === 1 ? '' : 's'}: ${Y_TITLES[c.y]}${c.log ? ' (log scale)' : ''} against ${X_TITLES[c.x]}; the results table below has the numbers`,
  );
  chartEl.setAttribute('data-points', String(rows.length));
  void getChart().then((ch) => ch.update(rows, c, chartTitle()));
  const active = manager.active;
  if (wasActive && !active) {
    const done = runs.filter((r) => r.status === 'done').length;
    const failed = runs.filter((r) => r.status === 'error').length;
    runStatus.textContent = `Finished: ${done} run${done === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}.`;
  }
  wasActive = active;
}

/** Sets the chart's controls from `config.chart`. */
function syncChartControls(): void {
  byId<HTMLSelectElement>('x-axis').value = config.chart.x;
  byId<HTMLSelectElement>('y-axis').value = config.chart.y;
  byId<HTMLInputElement>('log-y').checked = config.chart.log;
  byId<HTMLInputElement>('log-x').checked = config.chart.logX;
}

function chartControls(): void {
  const x = byId<HTMLSelectElement>('x-axis');
  const y = byId<HTMLSelectElement>('y-axis');
  const log = byId<HTMLInputElement>('log-y');
  const logX = byId<HTMLInputElement>('log-x');
  syncChartControls();
  const changed = () => {
    config.chart = { x: x.value as XAxis, y: y.value as YAxis, log: log.checked, logX: logX.checked };
    syncUrl();
    scheduleRender();
  };
  x.addEventListener('change', changed);
  y.addEventListener('change', changed);
  log.addEventListener('change', changed);
  logX.addEventListener('change', changed);
  byId('export-png').addEventListener('click', async () => {
    const url = await (await getChart()).png();
    const a = document.createElement('a');
    a.href = url;
    a.download = 'optlab-convergence.png';
    document.body.append(a);
    a.click();
    a.remove();
  });
  byId('export-svg').addEventListener('click', async () => {
    const svg = await (await getChart()).svg();
    download('optlab-convergence.svg', svg, 'image/svg+xml');
  });
}

// ---- the study's presets ----------------------------------------------------------------------------------

/** Builds the preset buttons (the study's sweep is validated and expanded: loaded after the page is up). */
async function presetButtons(): Promise<void> {
  const { studyPresets } = await import('./presets.js');
  const list = byId('preset-list');
  const setting = byId<HTMLSelectElement>('preset-setting');
  const build = () => {
    const presets = studyPresets(setting.value === 'seed' ? 'seed' : 'full');
    list.replaceChildren(
      ...presets.map((preset) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'secondary';
        b.dataset.preset = preset.id;
        b.textContent = `${preset.title} (${preset.runs.length} run${preset.runs.length === 1 ? '' : 's'})`;
        b.addEventListener('click', () => {
          config.problem = { ...structuredClone(preset.problem), positive: config.problem.positive };
          if (config.problem.positive === undefined) delete config.problem.positive;
          config.runs = structuredClone(preset.runs);
          config.chart = { ...preset.chart };
          problemFields();
          forms.render();
          syncChartControls();
          syncUrl();
          updateControls();
          scheduleRender();
          runStatus.textContent = `${preset.title}: ${preset.runs.length} run cards filled (the study's ${setting.value} setting); press Run.`;
        });
        return b;
      }),
    );
  };
  setting.addEventListener('change', build);
  build();
}

// ---- a results folder -------------------------------------------------------------------------------------

const folder = new FolderView(
  {
    file: byId('file-folder'),
    drop: byId('drop-folder'),
    status: byId('folder-status'),
    show: byId('folder-show'),
    showField: byId('folder-show-field'),
    close: byId('folder-close'),
  },
  manager,
  () => {
    wasActive = false;
    scheduleRender();
  },
);

// ---- sharing ----------------------------------------------------------------------------------------------

async function copyLink(run: boolean): Promise<void> {
  const url = `${location.origin}${location.pathname}${toQuery(config, run)}`;
  try {
    await navigator.clipboard.writeText(url);
    shareStatus.textContent = `Copied: ${url}`;
  } catch {
    shareStatus.textContent = `Copy this link: ${url}`;
  }
}

// ---- start ------------------------------------------------------------------------------------------------

problemFields();
forms.render();
chartControls();
byId('add-run').addEventListener('click', () => forms.add());
runButton.addEventListener('click', start);
stopButton.addEventListener('click', () => manager.stopAll());
byId('export-json').addEventListener('click', () => {
  const records = manager.runs.flatMap((r) => (r.record ? [r.record] : []));
  if (records.length === 0) shareStatus.textContent = 'No finished run to export yet.';
  else download('optlab-runs.json', `${toJson(records)}\n`, 'application/json');
});
byId('copy-link').addEventListener('click', () => copyLink(false));
byId('copy-link-run').addEventListener('click', () => copyLink(true));
syncUrl();
updateControls();
render();
void loadIndex();
void presetButtons();
