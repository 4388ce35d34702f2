import { writeFileSync } from 'node:fs';
import { Rng } from '../../src/run/rng.js';

/** A LIBSVM file of `rows` rows with `k` of `d` features each, labels ±1 weakly tied to the features (seeded). */
export function writeLibsvmFixture(path: string, rows: number, d: number, k: number, seed: number): void {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = rng.next() < 0.5 ? -1 : 1;
    const cols = new Set<number>();
    while (cols.size < k) cols.add(1 + rng.int(d));
    const entries = [...cols]
      .sort((a, b) => a - b)
      .map((j) => `${j}:${(0.3 * y * ((j % 3) - 1) + rng.normal()).toFixed(3)}`);
    lines.push(`${y > 0 ? '+1' : '-1'} ${entries.join(' ')}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}
