/**
 * The entropy-coded scan of a baseline JPEG, luma only: every block is
 * Huffman-decoded (the chroma ones only to advance the bitstream), and only
 * luma blocks are dequantized and inverse-transformed, straight into the
 * output image.
 */
import { idctBlock } from './jpeg-idct.js';
import { EntropyReader, HUFFMAN_LOOKAHEAD_BITS, type HuffmanTable, JpegLumaError, decodeLongCode } from './jpeg-huffman.js';

const LOOKAHEAD_MASK = (1 << HUFFMAN_LOOKAHEAD_BITS) - 1;

/** Zigzag position -> natural (row-major) index; 16 extra entries absorb a run past 63 as libjpeg does. */
export const NATURAL_ORDER = Int32Array.from([
  0,
  1,
  8,
  16,
  9,
  2,
  3,
  10,
  17,
  24,
  32,
  25,
  18,
  11,
  4,
  5,
  12,
  19,
  26,
  33,
  40,
  48,
  41,
  34,
  27,
  20,
  13,
  6,
  7,
  14,
  21,
  28,
  35,
  42,
  49,
  56,
  57,
  50,
  43,
  36,
  29,
  22,
  15,
  23,
  30,
  37,
  44,
  51,
  58,
  59,
  52,
  45,
  38,
  31,
  39,
  46,
  53,
  60,
  61,
  54,
  47,
  55,
  62,
  63,
  ...new Array<number>(16).fill(63),
]);

/** One component of the scan, in scan order. */
export interface ScanComponent {
  /** Luma is decoded to pixels; the others are only read past. */
  luma: boolean;
  /** Blocks per MCU across and down (its sampling factors; 1x1 in a single-component scan). */
  h: number;
  v: number;
  dc: HuffmanTable;
  ac: HuffmanTable;
  /** Dequantization factors in natural order. */
  quant: Int32Array;
}

export interface ScanLayout {
  components: ScanComponent[];
  mcusAcross: number;
  mcusDown: number;
  /** MCUs between restart markers, 0 for none. */
  restartInterval: number;
}

/*
 * Reused by every scan: decoding is synchronous, so calls never interleave.
 * The only per-frame allocation is the caller's output image.
 */
const coefficients = new Int32Array(64);
/** Natural-order positions of the AC coefficients set in `coefficients`, cleared after each block. */
const written = new Int32Array(64);
const edgeBlock = new Uint8Array(64);
const predictors = new Int32Array(4);
const reader = new EntropyReader();

/** Decode the scan starting at `pos` (just after the SOS header) into `out` (width x height luma). */
export function decodeScan(data: Uint8Array, pos: number, layout: ScanLayout, out: Uint8Array, width: number, height: number): void {
  const { components, mcusAcross, mcusDown, restartInterval } = layout;
  reader.reset(data, pos);
  predictors.fill(0);
  // A previous scan that threw mid-block (damaged data) left coefficients behind.
  coefficients.fill(0);
  let untilRestart = restartInterval;
  let restartIndex = 0;
  const total = mcusAcross * mcusDown;
  for (let mcu = 0; mcu < total; mcu++) {
    if (restartInterval > 0 && untilRestart === 0) {
      readRestart(restartIndex);
      restartIndex = (restartIndex + 1) & 7;
      untilRestart = restartInterval;
      predictors.fill(0);
    }
    untilRestart--;
    const mcuX = mcu % mcusAcross;
    const mcuY = (mcu - mcuX) / mcusAcross;
    for (let c = 0; c < components.length; c++) {
      const component = components[c]!;
      for (let v = 0; v < component.v; v++) {
        for (let h = 0; h < component.h; h++) {
          if (!component.luma) {
            skipBlock(component, c);
            continue;
          }
          const count = decodeBlock(component, c);
          const x = (mcuX * component.h + h) * 8;
          const y = (mcuY * component.v + v) * 8;
          const inside = x + 8 <= width && y + 8 <= height;
          const target = inside ? out : edgeBlock;
          const offset = inside ? y * width + x : 0;
          const stride = inside ? width : 8;
          if (count === 0) {
            fillFlat(target, offset, stride, coefficients[0]!);
          } else {
            idctBlock(coefficients, target, offset, stride);
            for (let i = 0; i < count; i++) coefficients[written[i]!] = 0;
          }
          if (!inside && x < width && y < height) copyClipped(out, width, height, x, y);
        }
      }
    }
    if (reader.overran()) throw new JpegLumaError('truncated', 'premature end of data segment');
  }
  // The data ran out right after the last MCU, with no marker: libjpeg's read-ahead reports "premature end".
  if (reader.stopped && reader.pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
}

/*
 * The block decoders keep the bit buffer in locals (V8 keeps them in
 * registers) and hand it back to the reader only around a refill and at the
 * end. Per coefficient: one fastAc read for the common short codes, else a
 * lookahead read plus the magnitude bits.
 */

/**
 * Huffman-decode one luma block into `coefficients` (dequantized), noting the
 * positions written in `written`; returns how many, 0 when only DC is set.
 */
function decodeBlock(component: ScanComponent, c: number): number {
  const r = reader;
  const block = coefficients;
  const quant = component.quant;
  let acc = r.acc;
  let bits = r.bits;
  if (bits < 16) {
    r.bits = bits;
    r.fill();
    acc = r.acc;
    bits = r.bits;
  }
  const dcTable = component.dc;
  let entry = dcTable.lookup[(acc >>> (bits - HUFFMAN_LOOKAHEAD_BITS)) & LOOKAHEAD_MASK]!;
  if (entry === 0) entry = decodeLongCode(dcTable, acc, bits);
  bits -= entry >> 8;
  const size = entry & 15;
  let diff = 0;
  if (size !== 0) {
    if (bits < size) {
      r.bits = bits;
      r.fill();
      acc = r.acc;
      bits = r.bits;
    }
    bits -= size;
    const raw = (acc >>> bits) & ((1 << size) - 1);
    diff = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
  }
  const dc = (predictors[c] = predictors[c]! + diff);
  block[0] = dc * quant[0]!;
  const ac = component.ac;
  const fastAc = ac.fastAc;
  const lookup = ac.lookup;
  let count = 0;
  for (let k = 1; k < 64; k++) {
    if (bits < 16) {
      r.bits = bits;
      r.fill();
      acc = r.acc;
      bits = r.bits;
    }
    const look = (acc >>> (bits - HUFFMAN_LOOKAHEAD_BITS)) & LOOKAHEAD_MASK;
    const fast = fastAc[look]!;
    let value: number;
    if (fast !== 0) {
      bits -= fast & 0xff;
      k += (fast >> 8) & 15;
      value = fast >> 16;
    } else {
      entry = lookup[look]!;
      if (entry === 0) entry = decodeLongCode(ac, acc, bits);
      bits -= entry >> 8;
      const bitsOfValue = entry & 15;
      if (bitsOfValue === 0) {
        if ((entry & 0xff) !== 0xf0) break;
        k += 15;
        continue;
      }
      k += (entry >> 4) & 15;
      if (bits < bitsOfValue) {
        r.bits = bits;
        r.fill();
        acc = r.acc;
        bits = r.bits;
      }
      bits -= bitsOfValue;
      const raw = (acc >>> bits) & ((1 << bitsOfValue) - 1);
      value = raw < 1 << (bitsOfValue - 1) ? raw - (1 << bitsOfValue) + 1 : raw;
    }
    const z = NATURAL_ORDER[k]!;
    block[z] = value * quant[z]!;
    written[count++] = z;
  }
  r.bits = bits;
  return count;
}

/** A chroma block: same bitstream walk, nothing kept but the DC predictor. */
function skipBlock(component: ScanComponent, c: number): void {
  const r = reader;
  let acc = r.acc;
  let bits = r.bits;
  if (bits < 16) {
    r.bits = bits;
    r.fill();
    acc = r.acc;
    bits = r.bits;
  }
  const dcTable = component.dc;
  let entry = dcTable.lookup[(acc >>> (bits - HUFFMAN_LOOKAHEAD_BITS)) & LOOKAHEAD_MASK]!;
  if (entry === 0) entry = decodeLongCode(dcTable, acc, bits);
  bits -= entry >> 8;
  const size = entry & 15;
  if (size !== 0) {
    if (bits < size) {
      r.bits = bits;
      r.fill();
      acc = r.acc;
      bits = r.bits;
    }
    bits -= size;
    const raw = (acc >>> bits) & ((1 << size) - 1);
    predictors[c] = predictors[c]! + (raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw);
  }
  const ac = component.ac;
  const fastAc = ac.fastAc;
  const lookup = ac.lookup;
  for (let k = 1; k < 64; k++) {
    if (bits < 16) {
      r.bits = bits;
      r.fill();
      acc = r.acc;
      bits = r.bits;
    }
    const look = (acc >>> (bits - HUFFMAN_LOOKAHEAD_BITS)) & LOOKAHEAD_MASK;
    const fast = fastAc[look]!;
    if (fast !== 0) {
      bits -= fast & 0xff;
      k += (fast >> 8) & 15;
      continue;
    }
    entry = lookup[look]!;
    if (entry === 0) entry = decodeLongCode(ac, acc, bits);
    bits -= entry >> 8;
    const bitsOfValue = entry & 15;
    if (bitsOfValue === 0) {
      if ((entry & 0xff) !== 0xf0) break;
      k += 15;
      continue;
    }
    k += (entry >> 4) & 15;
    if (bits < bitsOfValue) {
      r.bits = bits;
      r.fill();
      acc = r.acc;
      bits = r.bits;
    }
    bits -= bitsOfValue;
  }
  r.bits = bits;
}

/** A block with only DC set is flat: libjpeg's IDCT reduces exactly to this value. */
function fillFlat(out: Uint8Array, offset: number, stride: number, dcValue: number): void {
  const shifted = ((dcValue << 2) + 16) >> 5;
  const sample = shifted + 128 < 0 ? 0 : shifted + 128 > 255 ? 255 : shifted + 128;
  for (let row = 0, o = offset; row < 8; row++, o += stride) {
    out[o] = sample;
    out[o + 1] = sample;
    out[o + 2] = sample;
    out[o + 3] = sample;
    out[o + 4] = sample;
    out[o + 5] = sample;
    out[o + 6] = sample;
    out[o + 7] = sample;
  }
}

function copyClipped(out: Uint8Array, width: number, height: number, x: number, y: number): void {
  const columns = Math.min(8, width - x);
  const rows = Math.min(8, height - y);
  for (let row = 0; row < rows; row++) {
    const to = (y + row) * width + x;
    for (let column = 0; column < columns; column++) out[to + column] = edgeBlock[row * 8 + column]!;
  }
}

/** Between restart intervals: the marker must be the next RSTn, in sequence. */
function readRestart(index: number): void {
  const data = reader.data;
  let pos = reader.finishSegment();
  if (pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
  if (data[pos] !== 0xff) throw new JpegLumaError('corrupt', 'extraneous bytes before marker');
  while (pos < data.length && data[pos] === 0xff) pos++;
  if (pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
  if (data[pos] !== 0xd0 + index) throw new JpegLumaError('corrupt', `found marker 0x${data[pos]!.toString(16)} instead of RST${index}`);
  reader.reset(data, pos + 1);
}
