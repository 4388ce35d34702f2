import { InvalidArgumentError } from 'commander';

/** Commander argument parsers that reject bad numbers with a clear message. */

/** A number written in decimal: `3`, `-0.5`, `.5`, `1e-3`, `1E+6` (not `0x10`, `0b1`, `Infinity`, ` 5` or ''). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of a decimal number, or NaN (JavaScript's `Number` also reads hexadecimal, binary and blanks). */
export function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

export function finiteNumber(value: string): number {
  const v = decimal(value);
  if (!Number.isFinite(v)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
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
