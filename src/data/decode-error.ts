import { InputError } from '../errors.js';

/**
 * An {@link InputError} at a byte offset of a binary or compressed file, where lines and columns mean nothing:
 * printed `FILE: byte OFFSET: reason` (OFFSET counted from 0 in the file as stored). `line` is 0 and `column`
 * is OFFSET + 1, so code that sorts or compares input errors still can.
 */
export class DecodeError extends InputError {
  readonly offset: number;
  constructor(file: string, offset: number, reason: string) {
    super(file, 0, offset + 1, reason);
    this.name = 'DecodeError';
    this.offset = offset;
    this.message = `${file}: byte ${offset}: ${reason}`;
  }
}
