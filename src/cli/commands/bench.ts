import type { Command } from 'commander';
import { isDatasetName } from '../../data/registry.js';
import { OptlabError } from '../../errors.js';
import type { BenchEntry, Timing } from '../../node/bench.js';
import { resolveData } from '../../node/load.js';
import { formatNumber, textTable, toJson } from '../output.js';
import { positiveInt } from '../parse.js';

interface BenchFlags {
  data: string;
  scaling?: boolean;
  scaleRows: string;
  json?: boolean;
  comparePython?: boolean;
  repeats: number;
  study: boolean;
}

/** The headline number of an entry and its unit. */
function headline(e: BenchEntry): [string, number] {
  for (const k of ['mbPerSecond', 'medianMs', 'medianUs', 'seconds'])
    if (typeof e[k] === 'number') return [k, e[k] as number];
  return ['', Number.NaN];
}

const UNITS: Record<string, string> = { mbPerSecond: 'MB/s', medianMs: 'ms', medianUs: 'µs', seconds: 's' };

/** Ratios optlab / SciPy of the entries both measured (time: below 1 is faster; throughput: above 1 is faster). */
export function ratios(ours: Record<string, BenchEntry>, theirs: Record<string, BenchEntry>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, e] of Object.entries(ours)) {
    const t = theirs[name];
    if (!t) continue;
    const [k, v] = headline(e);
    const w = t[k];
    if (typeof w === 'number' && w > 0) out[name] = k === 'mbPerSecond' ? w / v : v / w;
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('bench')

    .option('--data <name|file>', 'the a9a dataset (name or path)', 'a9a')
    .option('--json', 'print JSON keyed by entry name')
    .option('--compare-python', 'also time SciPy equivalents (python3 with numpy and scipy) and print ratios')
    .option('--repeats <r>', 'repeats of the fast entries', positiveInt, 100)
    .option('--no-study', 'skip the whole-study entry (about 20 s)')
    .option(
      '--scaling',
      'also the scaling entries on synthetic data (parse, value+gradient on 1 and 2 threads, memory)',
    )
    .option('--scale-rows <list>', 'row counts of the scaling entries (1e7 writes a 1.8 GB file)', '1e5,1e6')
    .action(async (o: BenchFlags) => {
      // the benchmark (and the study it may run) loads only when this command runs
      const { benchA9a, benchPython, benchScaling } = await import('../../node/bench.js');
      const where = await resolveData(o.data);
      const name = isDatasetName(o.data) ? o.data : 'data';
      if (name !== 'a9a' && !o.json) process.stderr.write('optlab: note: the lbfgs entry targets the a9a minimum\n');
      const log = (s: string) => {
        if (!o.json) process.stderr.write(`${s}\n`);
      };
      const ours = await benchA9a({
        data: where.path,
        name,
        repeats: o.repeats,
        study: o.study,
        onEntry: (n, e) => {
          const [k, v] = headline(e);
          log(`bench: ${n}: ${k} ${formatNumber(Number(v.toPrecision(4)))}`);
        },
      });
      if (o.scaling) {
        const rows = o.scaleRows.split(',').map((v) => Number(v.trim()));
        if (rows.some((r) => !Number.isInteger(r) || r < 1)) {
          throw new OptlabError(`--scale-rows takes positive integers such as 1e5,1e6; got '${o.scaleRows}'`);
        }
        Object.assign(
          ours,
          await benchScaling({
            rows,
            onEntry: (n, e) => {
              const [k, v] = headline(e);
              log(`bench: ${n}: ${k} ${formatNumber(Number(v.toPrecision(4)))}`);
            },
          }),
        );
      }
      let python: Record<string, BenchEntry> | undefined;
      let ratio: Record<string, number> | undefined;
      let pythonReason: string | undefined;
      if (o.comparePython) {
        log('bench: timing SciPy equivalents (bench/python/bench_scipy.py)');
        const p = benchPython(where.path, o.repeats);
        if (p.ok) {
          python = p.entries;
          ratio = ratios(ours, python);
        } else pythonReason = p.reason;
      }
      const result = {
        ...ours,
        ...(o.comparePython ? { python: python ?? { unavailable: pythonReason }, ratios: ratio ?? {} } : {}),
        machine: {
          node: process.versions.node,
          v8: process.versions.v8,
          platform: `${process.platform}-${process.arch}`,
        },
      };
      if (o.json) {
        process.stdout.write(`${toJson(result)}\n`);
        return;
      }
      const rows = Object.entries(ours).map(([n, e]) => {
        const [k, v] = headline(e);
        const t = e.timing as Timing | undefined;
        const theirs = python?.[n]?.[k];
        return [
          n,
          `${formatNumber(Number(v.toPrecision(4)))} ${UNITS[k] ?? ''}`,
          t ? `${formatNumber(Number(t.min.toPrecision(3)))}–${formatNumber(Number(t.max.toPrecision(3)))}` : '',
          typeof theirs === 'number' ? formatNumber(Number(theirs.toPrecision(4))) : '',
          ratio?.[n] !== undefined ? `${ratio[n].toFixed(2)}x` : '',
        ];
      });
      process.stdout.write(`${textTable(['entry', 'optlab (median)', 'range', 'SciPy', 'optlab/SciPy time'], rows)}\n`);
      if (ratio) {
        process.stdout.write(
          "ratios: optlab time / SciPy time, measured in this run (below 1: optlab is faster); parse compares with Python's reader\n",
        );
      }
      if (pythonReason) process.stdout.write(`SciPy comparison skipped: ${pythonReason}\n`);
      if (o.comparePython && !pythonReason && !python) throw new OptlabError('the SciPy comparison failed');
    });
}
