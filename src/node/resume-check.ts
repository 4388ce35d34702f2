import { existsSync, readFileSync } from 'node:fs';
import { OptlabError } from '../errors.js';
import type { Manifest } from '../sweep/results.js';

/**
 * `--resume` on data that changed: the finished runs of a folder were computed on the datasets its manifest
 * lists (name and SHA-256). Resuming on a dataset with the same name but other bytes would mix two datasets in
 * one results folder (runs.jsonl holding two SHA-256s), so it is refused, naming both hashes.
 * @param manifestPath the folder's manifest.json (nothing to check when it does not exist yet)
 * @param current the datasets as loaded now
 */
export function checkResumeDatasets(manifestPath: string, current: Manifest['datasets'], out: string): void {
  if (!existsSync(manifestPath)) return;
  let before: Manifest['datasets'];
  try {
    before = (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest).datasets;
  } catch (e) {
    throw new OptlabError(`--resume: cannot read ${manifestPath}: ${(e as Error).message}`);
  }
  if (!Array.isArray(before)) throw new OptlabError(`--resume: ${manifestPath} lists no datasets; is it optlab's?`);
  for (const now of current) {
    const old = before.find((d) => d?.name === now.name);
    if (old !== undefined && old.sha256 !== now.sha256) {
      throw new OptlabError(
        `--resume: dataset ${now.name} has changed (SHA-256 ${now.sha256} now, ${old.sha256} for the finished runs in ${out}); resuming would mix the two: restore the data or choose another --out`,
      );
    }
  }
}
