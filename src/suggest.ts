/**
 * "Did you mean": the closest of a set of known words to a mistyped one, for error messages of the library,
 * the CLI and the sweep file alike.
 */

/** Damerau–Levenshtein distance (optimal string alignment: insertions, deletions, substitutions, swaps). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/**
 * The known word closest to `word`: an exact match ignoring case and `-`/`_`, else the nearest within
 * max(1, ⌊length/3⌋) edits (ties: the first listed). Undefined when nothing is close.
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const w = norm(word);
  const same = known.find((k) => norm(k) === w);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDist = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const dist = editDistance(w, norm(k));
    if (dist < bestDist) {
      best = k;
      bestDist = dist;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)`, or '' when no known word is close. `quote` formats the suggestion. */
export function didYouMean(word: string, known: readonly string[], quote = (s: string) => `'${s}'`): string {
  const c = closest(word, known);
  return c === undefined ? '' : ` (did you mean ${quote(c)}?)`;
}
