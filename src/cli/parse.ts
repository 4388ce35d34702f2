import { InvalidArgumentError } from 'commander';

/** Commander argument parsers that reject bad numbers with a clear message. */

export function finiteNumber(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return v;
}

export function nonNegative(value: string): number {
  const v = finiteNumber(value);
  if (v < 0) throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  return v;
}

export function positive(value: string): number {
  const v = finiteNumber(value);
  if (!(v > 0)) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return v;
}

export function positiveInt(value: string): number {
  const v = finiteNumber(value);
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return v;
}

export function nonNegativeInt(value: string): number {
  const v = finiteNumber(value);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`expected an integer >= 0, got '${value}'`);
  return v;
}
