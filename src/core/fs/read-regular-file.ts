import { constants, promises as fs } from 'node:fs';

/**
 * O_NONBLOCK: a FIFO under the file's name opens at once instead of hanging
 * the reader; O_NOCTTY: a terminal is never adopted. The checks below are
 * made on the descriptor that is read, so a name swapped between a check and
 * the read (a symlink to /dev/zero, a FIFO renamed over it) cannot slip by.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Why a file was not read: it is not a regular file, or it is larger than the reader's bound. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'not-regular' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Read a small file others can write (a status snapshot): opened without
 * blocking, fstat'ed on the same descriptor, refused unless it is a regular
 * file of at most `maxBytes`, and read only up to that bound even if it
 * grows meanwhile. ENOENT and other errno errors pass through unchanged.
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<string> {
  const handle = await fs.open(file, OPEN_FLAGS);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnreadableFileError(file, 'not-regular', `${file}: not a regular file`);
    if (stat.size > maxBytes) throw new UnreadableFileError(file, 'too-large', `${file}: ${stat.size} bytes, more than ${maxBytes}`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new UnreadableFileError(file, 'too-large', `${file}: grew past ${maxBytes} bytes while it was read`);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}
