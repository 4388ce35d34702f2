/**
 * The "Explore a results folder" panel: `runs.jsonl` and `trace.jsonl` picked together or dropped (the two
 * files, or the folder itself), read by `readFolder` (../folder.ts), and shown in the page's own chart and
 * results table, one view at a time (every run, a group of the sweep, a problem). Running the cards, or
 * "Close the folder", goes back to the playground's own runs.
 */
import { runConfig } from '../../../src/run/record.js';
import type { TracePoint } from '../../../src/run/result.js';
import { type Folder, FolderError, type FolderRun, firstView, readFolder, viewRuns } from '../folder.js';
import type { RunManager, RunState } from '../runs.js';

export interface FolderElements {
  file: HTMLInputElement;
  drop: HTMLElement;
  status: HTMLElement;
  show: HTMLSelectElement;
  showField: HTMLElement;
  close: HTMLButtonElement;
}

/** A folder's run as the table and chart show a run (finished, its trace, its record's result). */
function runState(r: FolderRun, index: number, best: number | undefined): RunState {
  const row = r.row;
  const trace: TracePoint[] = r.trace.map((t) => ({
    iter: t.iter,
    epoch: t.epoch,
    value: t.value ?? Number.NaN,
    gradNorm: t.gradNorm ?? Number.NaN,
    seconds: t.seconds,
    sampleGradients: t.sampleGradients,
    oracleCalls: t.oracleCalls,
    vectorUpdates: t.vectorUpdates,
  }));
  const o = row.objective;
  return {
    index,
    label: r.label,
    spec: { method: row.method, params: {}, budgets: {}, seed: row.seed, init: 'zeros' },
    cli: '',
    status: 'done',
    trace,
    n: row.dataset.rows,
    record: {
      config: runConfig({
        method: row.method,
        params: row.params,
        objective: o.loss,
        lambda: o.lambda,
        l2: o.l2,
        labels: o.labels,
        ...(row.dataset.subset !== undefined ? { subset: row.dataset.subset } : {}),
        init: row.init,
        seed: row.seed,
        budgets: { ...row.budgets } as Record<string, number>,
      }),
      dataset: row.dataset,
      result: row.result,
      x: new Float64Array(0),
      trace,
    },
    worker: null,
    started: 0,
    row,
    problem: r.problem,
    ...(best !== undefined ? { best } : {}),
  };
}

/** Reads a dropped folder's entry: its runs.jsonl and trace.jsonl, as files. */
async function filesOfDirectory(entry: FileSystemDirectoryEntry): Promise<File[]> {
  const entries = await new Promise<FileSystemEntry[]>((res, rej) => entry.createReader().readEntries(res, rej));
  const wanted = entries.filter((e) => e.isFile && (e.name === 'runs.jsonl' || e.name === 'trace.jsonl'));
  return Promise.all(wanted.map((e) => new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej))));
}

export class FolderView {
  folder: Folder | null = null;
  private name = '';

  constructor(
    private readonly els: FolderElements,
    private readonly manager: RunManager,
    /** Called after the runs shown change (the page redraws and titles its chart). */
    private readonly changed: () => void,
  ) {
    els.file.addEventListener('change', () => {
      if (els.file.files && els.file.files.length > 0) void this.open([...els.file.files]);
    });
    els.drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      els.drop.classList.add('over');
    });
    els.drop.addEventListener('dragleave', () => els.drop.classList.remove('over'));
    els.drop.addEventListener('drop', (e) => {
      e.preventDefault();
      els.drop.classList.remove('over');
      void this.dropped(e.dataTransfer);
    });
    els.show.addEventListener('change', () => this.showView(els.show.value));
    els.close.addEventListener('click', () => this.close());
  }

  /** The chart's title while a folder is shown. */
  title(): string {
    const view = this.folder?.views.find((v) => v.id === this.els.show.value);
    return `${this.name}: ${view?.title ?? 'every run'}`;
  }

  /** Whether the page shows the folder (not its own runs). */
  get showing(): boolean {
    return this.folder !== null && this.manager.fromFolder;
  }

  private async dropped(dt: DataTransfer | null): Promise<void> {
    if (dt === null) return;
    const dirs = [...dt.items]
      .map((i) => i.webkitGetAsEntry?.())
      .filter((e): e is FileSystemDirectoryEntry => e?.isDirectory === true);
    const files = dirs.length > 0 ? await filesOfDirectory(dirs[0]) : [...dt.files];
    await this.open(files, dirs[0]?.name);
  }

  /** Opens the two files (any other file is named in the status); a bad row is named by file and line. */
  async open(files: File[], folderName?: string): Promise<void> {
    const status = this.els.status;
    status.classList.remove('error');
    const runs = files.find((f) => f.name === 'runs.jsonl' || f.name.endsWith('runs.jsonl'));
    const trace = files.find((f) => f.name === 'trace.jsonl' || f.name.endsWith('trace.jsonl'));
    if (runs === undefined || trace === undefined) {
      status.classList.add('error');
      const got = files.map((f) => f.name).join(', ') || 'nothing';
      status.textContent = `Open both runs.jsonl and trace.jsonl of a results folder (got ${got}).`;
      return;
    }
    try {
      const folder = readFolder(await runs.text(), await trace.text());
      this.folder = folder;
      this.name = folderName ?? 'results folder';
      const points = folder.runs.reduce((n, r) => n + r.trace.length, 0);
      const groups = folder.views.filter((v) => v.id.startsWith('group:')).length;
      const problems = folder.views.filter((v) => v.id.startsWith('problem:')).length || 1;
      status.textContent =
        `Opened ${folder.runs.length} runs (${points} trace points, ${problems} problem${problems === 1 ? '' : 's'}` +
        `${groups > 0 ? `, ${groups} groups` : ''}); F − F_best uses the best value of each problem in the folder.`;
      this.els.show.replaceChildren(
        ...folder.views.map((v) => {
          const o = document.createElement('option');
          o.value = v.id;
          o.textContent = `${v.title} (${v.runs} run${v.runs === 1 ? '' : 's'})`;
          return o;
        }),
      );
      this.els.showField.hidden = false;
      this.els.close.hidden = false;
      this.showView(firstView(folder));
    } catch (e) {
      status.classList.add('error');
      status.textContent = `Cannot open the folder: ${e instanceof FolderError ? e.message : (e as Error).message}`;
    }
  }

  private showView(view: string): void {
    const folder = this.folder;
    if (folder === null) return;
    this.els.show.value = view;
    this.manager.show(viewRuns(folder, view).map((r, i) => runState(r, i, folder.best.get(r.problem))));
    this.changed();
  }

  close(): void {
    this.folder = null;
    this.els.showField.hidden = true;
    this.els.close.hidden = true;
    this.els.status.textContent = '';
    this.els.file.value = '';
    if (this.manager.fromFolder) this.manager.show([]);
    this.changed();
  }
}
