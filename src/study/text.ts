import { fmt } from '../report/build.js';
import { escapeHtml } from '../report/html.js';

/** HTML helpers of the study's text (every number goes through `fmt`, as the tables do). */
export const p = (html: string) => `<p>${html}</p>`;
export const code = (s: string) => `<code>${escapeHtml(s)}</code>`;
export const pct = (v: number) => (Number.isFinite(v) ? `${fmt(100 * v, 4)}%` : 'n/a');
/** 3 significant digits: how the results tables print F − f*. */
export const g3 = (v: number) => fmt(v, 3);

/** The sentences whose condition holds, joined (a sentence is printed only when the facts it states hold). */
export function when(...parts: Array<[boolean, string]>): string {
  return parts
    .filter(([ok]) => ok)
    .map(([, s]) => s)
    .join(' ');
}

/** "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
