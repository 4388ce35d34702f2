/**
 * Messages between the page and its workers (the data worker parses a file; one run worker per run).
 * Typed arrays travel by structured clone (copied) or in a transfer list (moved).
 */
import type { ColumnIndices } from '../../src/data/csr.js';
import type { RunRecord } from '../../src/run/record.js';
import type { TracePoint } from '../../src/run/result.js';
import type { ProblemConfig, RunSpec } from './config.js';

/** A parsed LIBSVM file as the page keeps it: the matrix, the raw labels and where they came from. */
export interface DataPayload {
  /** The name errors and records show: the registry name or the file's name. */
  name: string;
  /** SHA-256 (hex) of the bytes as stored (compressed if compressed); '' where Web Crypto is unavailable. */
  sha256: string;
  /** Bytes as stored. */
  bytes: number;
  gzip: boolean;
  rows: number;
  /** max(largest index, declared features). */
  cols: number;
  rowPtr: Int32Array;
  colIdx: ColumnIndices;
  values: Float64Array | null;
  /** Labels as written in the file. */
  labels: Float64Array;
  warnings: string[];
}

/** Page → data worker: read one source. */
export interface LoadRequest {
  kind: 'load';
  /** Name used in errors and records. */
  name: string;
  source: { url: string } | { file: Blob };
  /** Declared number of features (the registry's, as `--data a9a` uses). */
  features?: number;
  /** The registry's SHA-256, checked for a plain (not gzip) file as the CLI does. */
  sha256?: string;
}

export type DataMessage =
  | { kind: 'progress'; phase: 'download' | 'parse'; done: number; total: number; rows: number }
  | { kind: 'loaded'; data: DataPayload }
  | { kind: 'error'; message: string; line?: number; column?: number };

/** Page → run worker. */
export type RunRequest =
  | { kind: 'start'; spec: RunSpec; problem: ProblemConfig; train: DataPayload; test?: DataPayload }
  | { kind: 'stop' };

export type RunMessage =
  | { kind: 'started'; params: Record<string, unknown> }
  | { kind: 'trace'; points: TracePoint[] }
  | { kind: 'done'; record: RunRecord }
  | { kind: 'error'; message: string };
