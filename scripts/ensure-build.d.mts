/** Whether `dir`/dist (default: this repository's) was built from the sources as they are now. */
export function distIsFresh(dir?: string): boolean;
