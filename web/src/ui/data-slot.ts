/**
 * A dataset slot (training or test set): choose a registry dataset the server offers, or open a LIBSVM file
 * (file picker or drag and drop; plain or gzip). Each load runs in its own data worker with progress; a newer
 * choice cancels an older load. The status line says what is loaded (rows, features, non-zeros) or, for a
 * bad file, the parser's `FILE:LINE:COLUMN: reason`, as the CLI prints it.
 */
import type { DataMessage, DataPayload, LoadRequest } from '../protocol.js';
import { fmt } from './dom.js';

/** A dataset the server offers (its `/data/index.json`). */
export interface ServedDataset {
  name: string;
  description: string;
  rows: number;
  features: number;
  bytes: number;
  gzip: boolean;
  sha256: string;
  test?: string;
  /** Relative URL of the bytes. */
  url: string;
}

export interface SlotElements {
  select: HTMLSelectElement;
  file: HTMLInputElement;
  drop: HTMLElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
}

export type SlotState = 'empty' | 'loading' | 'loaded' | 'error';

/** A size for people: 950 bytes, 12.3 kB, 2.33 MB. */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

export class DataSlot {
  data: DataPayload | null = null;
  state: SlotState = 'empty';
  /** The configuration value this slot holds: a registry name, `file:NAME`, or ''. */
  value = '';
  private worker: Worker | null = null;
  private served: ServedDataset[] = [];

  constructor(
    private readonly role: 'training set' | 'test set',
    private readonly els: SlotElements,
    /** Called when the user picks something (value changes) and whenever the state changes. */
    private readonly changed: (userChoice: boolean) => void,
    private readonly optional: boolean,
  ) {
    els.select.addEventListener('change', () => {
      const v = els.select.value;
      if (v === '__file') {
        els.file.click();
        this.syncSelect();
        return;
      }
      this.choose(v, true);
    });
    els.file.addEventListener('change', () => {
      const f = els.file.files?.[0];
      if (f) this.openFile(f);
      els.file.value = '';
    });
    const zone = els.drop;
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      const f = e.dataTransfer?.files?.[0];
      if (f) this.openFile(f);
    });
  }

  /** Fills the select with the datasets the server offers. */
  setServed(served: ServedDataset[]): void {
    this.served = served;
    this.syncSelect();
  }

  private syncSelect(): void {
    const s = this.els.select;
    s.replaceChildren();
    const add = (value: string, text: string) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      s.append(o);
    };
    add('', this.optional ? 'none' : 'choose a dataset');
    for (const d of this.served) add(d.name, `${d.name} (${d.rows} rows, ${d.features} features)`);
    if (this.value.startsWith('file:')) add(this.value, `file: ${this.value.slice(5)}`);
    else if (this.value !== '' && !this.served.some((d) => d.name === this.value)) add(this.value, this.value);
    add('__file', 'open a file…');
    s.value = this.value;
  }

  /** Selects a registry dataset by name ('' for none) and loads it. */
  choose(value: string, userChoice: boolean): void {
    this.cancel();
    this.value = value;
    this.data = null;
    this.syncSelect();
    if (value === '') {
      this.setState('empty', this.optional ? `No ${this.role}.` : `No ${this.role} yet: choose one or open a file.`);
    } else if (value.startsWith('file:')) {
      this.setState('empty', `This link used the file ${value.slice(5)}: open it again (file picker or drop).`);
    } else {
      const d = this.served.find((x) => x.name === value);
      if (d === undefined) {
        this.setState(
          'error',
          `${value} is not offered by this server (put it in OPTLAB_DATA or run: optlab fetch ${value}).`,
        );
      } else {
        this.load(
          {
            kind: 'load',
            name: d.name,
            source: { url: new URL(d.url, document.baseURI).href },
            features: d.features,
            sha256: d.sha256,
          },
          d.bytes,
        );
      }
    }
    this.changed(userChoice);
  }

  /** Loads a file the user opened. */
  openFile(file: File): void {
    this.cancel();
    this.value = `file:${file.name}`;
    this.data = null;
    this.syncSelect();
    this.load({ kind: 'load', name: file.name, source: { file } }, file.size);
    this.changed(true);
  }

  private load(req: LoadRequest, bytes: number): void {
    const worker = new Worker(new URL('../workers/data-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    const p = this.els.progress;
    p.hidden = false;
    p.removeAttribute('value');
    this.setState('loading', `Loading ${req.name} (${size(bytes)})…`);
    worker.onmessage = (e: MessageEvent<DataMessage>) => {
      if (this.worker !== worker) return;
      const m = e.data;
      if (m.kind === 'progress') {
        if (m.total > 0) {
          p.max = m.total;
          p.value = Math.min(m.done, m.total);
        }
        const pct = m.total > 0 ? ` ${Math.round((100 * m.done) / m.total)}%` : '';
        this.setState('loading', `Reading ${req.name}:${pct} (${size(m.done)}, ${m.rows} lines)…`);
      } else if (m.kind === 'loaded') {
        this.finish();
        this.data = m.data;
        const d = m.data;
        const nnz = d.rowPtr[d.rows];
        const warn = d.warnings.length > 0 ? ` Warning: ${d.warnings.join('; ')}` : '';
        this.setState(
          'loaded',
          `${d.name}: ${d.rows} rows, ${d.cols} features, ${nnz} non-zeros (density ${fmt(nnz / (d.rows * d.cols))}), ` +
            `${size(d.bytes)}${d.gzip ? ' gzip' : ''}${d.sha256 ? `, SHA-256 ${d.sha256.slice(0, 12)}…` : ''}.${warn}`,
        );
      } else {
        this.finish();
        this.setState('error', `Cannot load ${req.name}: ${m.message}`);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (this.worker !== worker) return;
      this.finish();
      this.setState('error', `Cannot load ${req.name}: the data worker failed (${e.message || 'unknown error'})`);
    };
    worker.postMessage(req);
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = null;
    this.els.progress.hidden = true;
  }

  private cancel(): void {
    this.finish();
  }

  private setState(state: SlotState, text: string): void {
    this.state = state;
    const s = this.els.status;
    s.textContent = text;
    s.classList.toggle('error', state === 'error');
    this.changed(false);
  }
}
