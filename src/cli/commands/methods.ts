import type { Command } from 'commander';
import { METHOD_NAMES, METHODS } from '../../methods/index.js';
import { flagOf, PARAMS, type ParamSpec, ruleText } from '../../methods/params.js';
import { toJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('methods')

    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = METHOD_NAMES.map((m) => {
        const s = METHODS[m];
        return {
          name: m,
          summary: s.summary,
          stochastic: s.stochastic,
          l1: s.handlesL1,
          params: s.params.map((p) => {
            const spec: ParamSpec = PARAMS[p];
            return {
              name: p,
              flag: flagOf(p),
              type: spec.kind,
              rule: ruleText(p),
              default: s.defaults[p] ?? null,
              ...(spec.fallback !== undefined ? { unset: spec.fallback } : {}),
              help: spec.help,
            };
          }),
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
        // a boolean is shown as the flag that changes it: --nesterov (off by default), --no-x (on by default)
        const shownParam = (p: (typeof r.params)[number]) =>
          p.type === 'boolean'
            ? p.default === true
              ? `--no-${p.flag.slice(2)}`
              : p.flag
            : p.default === null
              ? p.flag
              : `${p.flag} ${p.default}`;
        const params = r.params.map(shownParam).join(', ');
        out.push(`  parameters: ${params || 'none'}`);
        out.push(`  reference:  ${r.reference}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
