import { opendirSync } from 'node:fs';

/**
 * Directory entry names as bytes, end to end. A name need not be valid UTF-8
 * (any user can create one in /tmp); decoded to a string it becomes U+FFFD,
 * a name that does not exist, and the entry could never be removed. Names are
 * read as Buffers, joined as Buffers and passed to the syscalls as Buffers;
 * only the text shown to the operator is decoded.
 */

/** `<base>/<name>` as bytes, for lstat/open/unlink/rmdir. */
export function entryPath(base: string | Buffer, name: Buffer): Buffer {
  return Buffer.concat([typeof base === 'string' ? Buffer.from(base) : base, Buffer.from('/'), name]);
}

/** Every entry name of the folder at `base`, streamed (a huge folder is never listed in memory). */
export function* entryNames(base: string | Buffer): Generator<Buffer> {
  // @types/node types Dir's options and entries as strings only; at run time 'buffer' gives Buffer names.
  const dir = opendirSync(base, { encoding: 'buffer' as BufferEncoding });
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) yield entry.name as unknown as Buffer;
  } finally {
    dir.closeSync();
  }
}

/** The name as text: itself when it is valid UTF-8, else every byte above 0x7f as `\xNN`. */
export function nameText(name: Buffer): string {
  const text = name.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(name)) return text;
  let out = '';
  for (const byte of name) out += byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}
