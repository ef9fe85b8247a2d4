import { fstatSync, writeSync } from 'node:fs';
import { errnoCode } from './core/errors.js';

/** A pipe that is full for longer than this many retries loses the text rather than hang a timer. */
const WRITE_RETRIES = 100;

/**
 * Text straight to a file descriptor, synchronously: process.stdout would load the stream modules
 * (and net and tty for a pipe or a terminal), ~5 ms of a 30 s health sample or of `vpt --help`, for
 * a few lines. A closed pipe (`| head`) is not an error, as for the full CLI's stream.
 */
export function fdWriter(fd: number): (text: string) => void {
  return (text) => {
    const data = Buffer.from(text);
    let offset = 0;
    for (let attempt = 0; offset < data.length && attempt < WRITE_RETRIES; attempt++) {
      try {
        offset += writeSync(fd, data, offset);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EPIPE') return;
        if (code !== 'EAGAIN') throw err;
      }
    }
  };
}

/** Major number of the kernel's memory devices (/dev/null, /dev/zero, /dev/full): character devices, never terminals. */
const MEMORY_DEVICES_MAJOR = 1;

/**
 * Whether fd may be a terminal, without loading node:tty (which loads net and the streams): a
 * character device other than /dev/null and its kin. Only then is the stream made to ask its width.
 */
export function mayBeTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && ((st.rdev >> 8) & 0xfff) !== MEMORY_DEVICES_MAJOR;
  } catch {
    return false;
  }
}
