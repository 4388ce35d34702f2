import type { Command } from 'commander';
import { isDatasetName } from '../../data/registry.js';
import { OptlabError } from '../../errors.js';
import type { BenchEntry, Timing } from '../../node/bench.js';
import type { Ratio } from '../../node/compare.js';
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

/** The study entry: "9931 SciPy calls (9120–10402, 3 rounds)" (its ratio is a number of calls, not a ratio). */
export function studyCalls(r: Ratio): string {
  const n = (v: number) => formatNumber(Math.round(v));
  return `${n(r.ratio)} SciPy calls (${n(r.min)}–${n(r.max)}, ${r.rounds} rounds)`;
}

/** "0.46× (0.41–0.52, 15 rounds)" */
export function spread(r: Ratio): string {
  return `${r.ratio.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)}, ${r.rounds} rounds)`;
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
      const { benchA9a, benchScaling } = await import('../../node/bench.js');
      const { comparePython, timeStudyCli } = await import('../../node/compare.js');
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
      let compared: Awaited<ReturnType<typeof import('../../node/compare.js').comparePython>> | undefined;
      if (o.comparePython) {
        log(
          'bench: optlab and SciPy side by side in alternating rounds (bench/python/bench_server.py, one BLAS thread)',
        );
        compared = await comparePython({
          data: where.path,
          ...(o.study && name === 'a9a' ? { study: timeStudyCli } : {}),
          onEntry: (n, r) =>
            log(
              n.startsWith('study/')
                ? `compare: ${n}: ${studyCalls(r)} of time (median ${r.optlab.toFixed(2)} s; SciPy ${r.other.toFixed(3)} ms per value+gradient)`
                : `compare: ${n}: ${spread(r)}`,
            ),
          onSkip: (n, reason) => log(`compare: ${n}: skipped (${reason})`),
        });
      }
      const result = {
        ...ours,
        ...(compared === undefined
          ? {}
          : {
              compare: compared.ok
                ? { ...compared.entries, versions: compared.versions }
                : { unavailable: compared.reason },
            }),
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
        return [
          n,
          `${formatNumber(Number(v.toPrecision(4)))} ${UNITS[k] ?? ''}`,
          t ? `${formatNumber(Number(t.min.toPrecision(3)))}–${formatNumber(Number(t.max.toPrecision(3)))}` : '',
        ];
      });
      process.stdout.write(`${textTable(['entry', 'optlab (median)', 'range'], rows)}\n`);
      if (compared?.ok) {
        const cmp = Object.entries(compared.entries).map(([n, r]) => {
          if (n.startsWith('study/'))
            return [n, `${r.optlab.toFixed(2)} s`, `${r.other.toPrecision(3)} ms per call`, studyCalls(r), ''];
          return [
            n,
            `${formatNumber(Number(r.optlab.toPrecision(3)))} ${r.unit}`,
            `${formatNumber(Number(r.other.toPrecision(3)))} ${r.unit}`,
            spread(r),
            r.notes
              ? Object.entries(r.notes)
                  .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(Number(v.toPrecision(4))) : v}`)
                  .join(', ')
              : '',
          ];
        });
        process.stdout.write(
          `\n${textTable(['compared', 'optlab', 'other', 'ratio (min–max over rounds)', 'notes'], cmp)}\n` +
            "ratios: optlab time / the other side's (SciPy, liblinear, or optlab sigmoid-lsq for logistic/sigmoid),\n" +
            'median over rounds timed alternately in this run (lbfgs-m*: total time over the shared starts, the\n' +
            'median per start in perStartRatio); below 1: optlab is faster\n' +
            (compared.entries['study/a9a']
              ? "study/a9a: the whole `optlab study`'s wall time in SciPy sigmoid-lsq value+gradient calls\n"
              : '') +
            Object.entries(compared.skipped)
              .map(([n, reason]) => `${n}: skipped (${reason})\n`)
              .join(''),
        );
      }
      if (compared !== undefined && !compared.ok)
        process.stdout.write(`SciPy comparison skipped: ${compared.reason}\n`);
    });
}
