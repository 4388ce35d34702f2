/**
 * `optlab export DIR`: a results folder's runs and traces as flat tables (see `src/sweep/flat.ts`), written as
 * CSV or Apache Parquet.
 *
 * Parquet is written by hyparquet-writer (pinned in package.json): pure JavaScript with one dependency (its
 * companion reader hyparquet, same maintainers), no native build and no WebAssembly, MIT, actively released;
 * @dsnp/parquetjs, the other maintained choice, pulls in thrift, brotli, snappy and lzo bindings. Columns get
 * Parquet types from their kind: text as UTF-8 `BYTE_ARRAY` (`STRING`), numbers as `DOUBLE`, booleans as
 * `BOOLEAN`; every column is nullable (null = missing or non-finite). Compression: hyparquet-writer's default
 * (Snappy). The tests read the files back with hyparquet.
 */
import { basename, dirname, extname, join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { OptlabError } from '../errors.js';
import { type FlatTable, flatRuns, flatTraces, tableCsv } from '../sweep/flat.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { readResults } from './report-writer.js';

export type ExportFormat = 'csv' | 'parquet';

const PARQUET_TYPES = { string: 'STRING', number: 'DOUBLE', boolean: 'BOOLEAN' } as const;

/** A flat table as the bytes of a Parquet file. */
export function tableParquet(t: FlatTable): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: t.columns.map((c) => ({ name: c.name, data: c.values, type: PARQUET_TYPES[c.kind], nullable: true })),
    createdBy: `optlab ${VERSION} (hyparquet-writer)`,
  });
  return new Uint8Array(buffer);
}

/** The bytes of a table in a format. */
export function encodeTable(t: FlatTable, format: ExportFormat): string | Uint8Array {
  return format === 'csv' ? tableCsv(t) : tableParquet(t);
}

export interface ExportOptions {
  format: ExportFormat;
  /** The runs file (default DIR/runs.<ext>); the traces go beside it as <name>-trace.<ext>. */
  out?: string;
}

export interface ExportOutcome {
  files: Array<{ table: 'runs' | 'trace'; path: string; rows: number; columns: number }>;
}

/** Reads DIR and writes its two flat tables (each file atomically); see the module comment. */
export async function exportResults(dir: string, o: ExportOptions): Promise<ExportOutcome> {
  const ext = o.format === 'csv' ? '.csv' : '.parquet';
  const runsPath = o.out ?? join(dir, `runs${ext}`);
  const stem = basename(runsPath, extname(runsPath));
  const tracePath =
    o.out === undefined
      ? join(dir, `trace${ext}`)
      : join(dirname(runsPath), `${stem}-trace${extname(runsPath) || ext}`);
  if (runsPath === tracePath) throw new OptlabError(`--out ${o.out} would write both tables to one file`);
  const { runs, traces } = await readResults(dir);
  const tables = [flatRuns(runs), flatTraces(runs, traces)];
  const paths = [runsPath, tracePath];
  const files: ExportOutcome['files'] = [];
  tables.forEach((t, i) => {
    const bytes = encodeTable(t, o.format);
    try {
      writeFileAtomic(paths[i], bytes);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === undefined) throw e;
      throw new OptlabError(`cannot write ${paths[i]}: ${err.code === 'ENOENT' ? 'no such folder' : err.message}`);
    }
    files.push({ table: t.name, path: paths[i], rows: t.rows, columns: t.columns.length });
  });
  return { files };
}
