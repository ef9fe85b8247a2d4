import { closeSync, constants as fsc, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { close, fstat, open, read } from './fs-async.js';

/**
 * Reading a file that someone else can write (a frame's JSON, a chunk file, a lock file, the config):
 * opened non-blocking (a FIFO opens at once instead of waiting for a writer), checked on the same
 * descriptor (fstat: a regular file, never stat-then-open, which a rename in between defeats), and
 * read up to a bound (a regular file can still grow while read). So /dev/zero behind a symlink, a
 * FIFO or a 300 MB file never blocks a thread-pool thread, never holds more than the bound, and a
 * shutdown never waits on the read.
 */
const OPEN_FLAGS = fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY;

/** The file is there but is not one vpt reads: its reason is said in a warning. */
export class RefusedFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly kind: 'not-regular' | 'too-large',
  ) {
    super(`${file}: ${reason}`);
    this.name = 'RefusedFileError';
  }
}

function check(file: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) throw new RefusedFileError(file, `not a regular file (${fileKind(stats)})`, 'not-regular');
  if (stats.size > maxBytes) throw new RefusedFileError(file, `${stats.size} bytes, more than ${maxBytes}`, 'too-large');
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The buffer sized to the file as fstat saw it, plus one byte that tells a file that grew; grown
 * (doubled) while it keeps growing, up to the bound plus that byte.
 */
function nextBuffer(file: string, buffer: Buffer | undefined, size: number, maxBytes: number): Buffer {
  if (buffer === undefined) return Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
  if (buffer.length > maxBytes) throw new RefusedFileError(file, `grew past ${maxBytes} bytes while read`, 'too-large');
  const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
  buffer.copy(grown);
  return grown;
}

/** The file's text; RefusedFileError when it is not a regular file or is over maxBytes; fs errors (ENOENT) as they are. */
export async function readBoundedFile(file: string, maxBytes: number): Promise<string> {
  const fd = await open(file, OPEN_FLAGS);
  try {
    const stats = await fstat(fd);
    check(file, stats, maxBytes);
    let buffer = nextBuffer(file, undefined, stats.size, maxBytes);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = nextBuffer(file, buffer, stats.size, maxBytes);
      const { bytesRead } = await read(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
    }
  } finally {
    await close(fd);
  }
}

/** readBoundedFile, synchronously (a frame's JSON: a few hundred bytes in the page cache, see frame-json.ts). */
export function readBoundedFileSync(file: string, maxBytes: number): string {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    check(file, stats, maxBytes);
    let buffer = nextBuffer(file, undefined, stats.size, maxBytes);
    let length = 0;
    for (;;) {
      if (length === buffer.length) buffer = nextBuffer(file, buffer, stats.size, maxBytes);
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.toString('utf8', 0, length);
      length += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
}
