import type { Command } from 'commander';
import { METHOD_NAMES, METHODS, PARAM_FLAGS } from '../../methods/index.js';
import { toJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('methods')
    .description('list the optimizers with their parameters, defaults and references')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = METHOD_NAMES.map((m) => {
        const s = METHODS[m];
        return {
          name: m,
          summary: s.summary,
          stochastic: s.stochastic,
          l1: s.handlesL1,
          params: s.params.map((p) => ({ flag: PARAM_FLAGS[p], default: s.defaults[p] ?? null })),
          reference: s.reference,
        };
      });
      if (o.json) {
        process.stdout.write(`${toJson(rows)}\n`);
        return;
      }
      const out: string[] = [];
      for (const r of rows) {
        const kind = [r.stochastic ? 'mini-batch' : 'full-batch', r.l1 ? 'handles --lambda' : '']
          .filter(Boolean)
          .join(', ');
        out.push(`${r.name}  (${kind})`);
        out.push(`  ${r.summary}`);
        const params = r.params.map((p) => (p.default === null ? p.flag : `${p.flag} ${p.default}`)).join(', ');
        out.push(`  parameters: ${params || 'none'}`);
        out.push(`  reference:  ${r.reference}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
