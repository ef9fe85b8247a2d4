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
    if (dc) {
      for (let i = 0; i < total; i++) {
        if (symbols[i]! > 15) throw new JpegLumaError('corrupt', 'bad Huffman table');
      }
    }
  }
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

  decode(table: HuffmanTable): number {
    if (this.bits < 16) this.fill();
    const bits = this.bits;
    const entry = table.lookup[(this.acc >>> (bits - HUFFMAN_LOOKAHEAD_BITS)) & (LOOKAHEAD_SIZE - 1)]!;
    if (entry !== 0) {
      this.bits = bits - (entry >> 8);
      return entry & 0xff;
    }
    for (let length = HUFFMAN_LOOKAHEAD_BITS + 1; length <= 16; length++) {
      const code = (this.acc >>> (bits - length)) & ((1 << length) - 1);
      if (code <= table.maxcode[length]!) {
        this.bits = bits - length;
        return table.symbols[(table.offset[length]! + code) & (HUFFMAN_MAX_SYMBOLS - 1)]!;
      }
    }
    throw new JpegLumaError('corrupt', 'bad Huffman code');
  }

  /** The next `size` bits (1-15) as a signed coefficient (T.81 F.2.2.1 EXTEND). */
  receiveExtend(size: number): number {
    if (this.bits < size) this.fill();
    this.bits -= size;
    const value = (this.acc >>> this.bits) & ((1 << size) - 1);
    return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
  }

  skip(size: number): void {
    if (this.bits < size) this.fill();
    this.bits -= size;
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
