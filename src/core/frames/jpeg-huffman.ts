/**
 * Huffman decoding for the luma JPEG decoder (jpeg-luma.ts): canonical tables
 * with a 9-bit lookahead, and the entropy-coded segment's bit reader. Errors
 * mirror what libjpeg reports, so a frame is "truncated" or "corrupt" for the
 * same reasons whichever decoder read it.
 */

/** Why the luma decoder gave up on a frame; the loader turns it into a FrameDecodeError. */
export class JpegLumaError extends Error {
  readonly reason: 'truncated' | 'corrupt';
  constructor(reason: 'truncated' | 'corrupt', detail: string) {
    super(detail);
    this.name = 'JpegLumaError';
    this.reason = reason;
  }
}

/** Codes up to this many bits resolve in one table read; longer ones (rare: ~1% of symbols) walk maxcode. */
export const HUFFMAN_LOOKAHEAD_BITS = 9;
const LOOKAHEAD_SIZE = 1 << HUFFMAN_LOOKAHEAD_BITS;
/** A JPEG Huffman table holds at most 256 symbols with codes of 1-16 bits (ITU T.81 B.2.4.2). */
export const HUFFMAN_MAX_SYMBOLS = 256;

/**
 * One decoding table, allocated once per table slot and rebuilt in place from
 * a DHT segment's counts and symbols: no allocation per frame or per block.
 */
export class HuffmanTable {
  /** (length << 8) | symbol for every 9-bit prefix that starts with a code of <= 9 bits, else 0. */
  readonly lookup = new Uint16Array(LOOKAHEAD_SIZE);
  /** Largest code of each length (1-16), -1 when none; maxcode[17] is a sentinel. */
  readonly maxcode = new Int32Array(18);
  /** Index in `symbols` of the first code of each length, minus that code. */
  readonly offset = new Int32Array(17);
  readonly symbols = new Uint8Array(HUFFMAN_MAX_SYMBOLS);
  /**
   * For AC tables, a code and its magnitude bits that fit in the lookahead
   * together, decoded in one read (most coefficients of a typical frame):
   * value << 16 | run << 8 | bits used, else 0.
   */
  readonly fastAc = new Int32Array(LOOKAHEAD_SIZE);

  /**
   * Rebuild from `counts[1..16]` (codes per length) and the symbols in code
   * order; `dc` checks that every symbol is a magnitude class libjpeg accepts.
   */
  build(counts: Uint8Array, symbols: Uint8Array, total: number, dc: boolean): void {
    this.lookup.fill(0);
    this.symbols.set(symbols.subarray(0, total));
    let code = 0;
    let index = 0;
    for (let length = 1; length <= 16; length++) {
      const count = counts[length]!;
      this.offset[length] = index - code;
      for (let i = 0; i < count; i++, index++, code++) {
        if (length <= HUFFMAN_LOOKAHEAD_BITS) {
          const shift = HUFFMAN_LOOKAHEAD_BITS - length;
          const entry = (length << 8) | symbols[index]!;
          this.lookup.fill(entry, code << shift, (code + 1) << shift);
        }
      }
      // Past the last code of its length (or an all-ones code): the counts overflow the code space (libjpeg: bad table).
      if (code >= 1 << length) throw new JpegLumaError('corrupt', 'bad Huffman table');
      this.maxcode[length] = count > 0 ? code - 1 : -1;
      code <<= 1;
    }
    this.maxcode[17] = 0x7fffffff;
    this.fastAc.fill(0);
    for (let look = 0; look < LOOKAHEAD_SIZE; look++) {
      const entry = this.lookup[look]!;
      const length = entry >> 8;
      const size = entry & 15;
      if (entry === 0 || size === 0 || length + size > HUFFMAN_LOOKAHEAD_BITS) continue;
      const used = length + size;
      const raw = (look >> (HUFFMAN_LOOKAHEAD_BITS - used)) & ((1 << size) - 1);
      const value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
      this.fastAc[look] = value * 65536 + (((entry & 0xff) >> 4) << 8) + used;
    }
    if (dc) {
      for (let i = 0; i < total; i++) {
        if (symbols[i]! > 15) throw new JpegLumaError('corrupt', 'bad Huffman table');
      }
    }
  }
}

/**
 * A code longer than the lookahead, from a buffer holding at least 16 unread
 * bits: (length << 8) | symbol, as a lookup entry would be.
 */
export function decodeLongCode(table: HuffmanTable, acc: number, bits: number): number {
  for (let length = HUFFMAN_LOOKAHEAD_BITS + 1; length <= 16; length++) {
    const code = (acc >>> (bits - length)) & ((1 << length) - 1);
    if (code <= table.maxcode[length]!) {
      return (length << 8) | table.symbols[(table.offset[length]! + code) & (HUFFMAN_MAX_SYMBOLS - 1)]!;
    }
  }
  throw new JpegLumaError('corrupt', 'bad Huffman code');
}

/**
 * Reads the entropy-coded data MSB first, unstuffing 0xFF00. At a marker or
 * the end of the data it stops consuming input and feeds zero bits, counted in
 * `phantomBits`, so decoding stays bounded; using any of them means the scan
 * was cut short ("truncated", as libjpeg's "premature end of data segment").
 */
export class EntropyReader {
  data: Uint8Array = new Uint8Array(0);
  /** Next byte to read; at a marker, its first 0xFF. */
  pos = 0;
  /** Right-aligned bit buffer: the low `bits` bits of `acc` are unread. */
  acc = 0;
  bits = 0;
  phantomBits = 0;
  stopped = false;

  reset(data: Uint8Array, pos: number): void {
    this.data = data;
    this.pos = pos;
    this.acc = 0;
    this.bits = 0;
    this.phantomBits = 0;
    this.stopped = false;
  }

  /** Top the buffer up to 25-32 bits. */
  fill(): void {
    const data = this.data;
    while (this.bits <= 24) {
      let byte = 0;
      if (!this.stopped) {
        const pos = this.pos;
        if (pos >= data.length) {
          this.stopped = true;
        } else if ((byte = data[pos]!) !== 0xff) {
          this.pos = pos + 1;
        } else {
          let next = pos + 1;
          while (next < data.length && data[next] === 0xff) next++;
          if (next < data.length && data[next] === 0) {
            this.pos = next + 1;
          } else {
            this.stopped = true;
            byte = 0;
          }
        }
      }
      if (this.stopped) this.phantomBits += 8;
      this.acc = (this.acc << 8) | byte;
      this.bits += 8;
    }
  }

  /** True once decoding has used bits past the end of the segment's real data. */
  overran(): boolean {
    return this.phantomBits > this.bits;
  }

  /**
   * At a restart interval's end: drop the unread bits and return where the
   * marker must start. Bytes the read-ahead already took are not checked
   * (libjpeg does not either); a cut-short segment is "truncated".
   */
  finishSegment(): number {
    if (this.overran()) throw new JpegLumaError('truncated', 'premature end of data segment');
    this.bits = 0;
    this.acc = 0;
    this.phantomBits = 0;
    this.stopped = false;
    return this.pos;
  }
}
