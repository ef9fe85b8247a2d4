/**
 * The entropy-coded scan of a baseline JPEG, luma only: every block is
 * Huffman-decoded (the chroma ones only to advance the bitstream), and only
 * luma blocks are dequantized and inverse-transformed, straight into the
 * output image.
 */
import { idctBlock } from './jpeg-idct.js';
import { EntropyReader, type HuffmanTable, JpegLumaError } from './jpeg-huffman.js';

/** Zigzag position -> natural (row-major) index; 16 extra entries absorb a run past 63 as libjpeg does. */
export const NATURAL_ORDER = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
  47, 55, 62, 63, ...new Array<number>(16).fill(63),
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
const edgeBlock = new Uint8Array(64);
const predictors = new Int32Array(4);
const reader = new EntropyReader();

/** Decode the scan starting at `pos` (just after the SOS header) into `out` (width x height luma). */
export function decodeScan(data: Uint8Array, pos: number, layout: ScanLayout, out: Uint8Array, width: number, height: number): void {
  const { components, mcusAcross, mcusDown, restartInterval } = layout;
  reader.reset(data, pos);
  predictors.fill(0);
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
          decodeBlock(component, c);
          const x = (mcuX * component.h + h) * 8;
          const y = (mcuY * component.v + v) * 8;
          if (x + 8 <= width && y + 8 <= height) {
            idctBlock(coefficients, out, y * width + x, width);
          } else if (x < width && y < height) {
            idctBlock(coefficients, edgeBlock, 0, 8);
            copyClipped(out, width, height, x, y);
          }
        }
      }
    }
    if (reader.overran()) throw new JpegLumaError('truncated', 'premature end of data segment');
  }
  // The data ran out right after the last MCU, with no marker: libjpeg's read-ahead reports "premature end".
  if (reader.stopped && reader.pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
}

function decodeBlock(component: ScanComponent, c: number): void {
  const block = coefficients;
  const quant = component.quant;
  // Stores, not block.fill(0): a builtin call per block costs more than 64 writes.
  for (let i = 0; i < 64; i++) block[i] = 0;
  const size = reader.decode(component.dc);
  const dc = (predictors[c] = predictors[c]! + (size === 0 ? 0 : reader.receiveExtend(size)));
  block[0] = dc * quant[0]!;
  const ac = component.ac;
  for (let k = 1; k < 64; k++) {
    const symbol = reader.decode(ac);
    const run = symbol >> 4;
    const bits = symbol & 15;
    if (bits === 0) {
      if (run !== 15) break;
      k += 15;
      continue;
    }
    k += run;
    const z = NATURAL_ORDER[k]!;
    block[z] = reader.receiveExtend(bits) * quant[z]!;
  }
}

/** A chroma block: same bitstream walk, nothing kept but the DC predictor. */
function skipBlock(component: ScanComponent, c: number): void {
  const size = reader.decode(component.dc);
  if (size !== 0) predictors[c] = predictors[c]! + reader.receiveExtend(size);
  const ac = component.ac;
  for (let k = 1; k < 64; k++) {
    const symbol = reader.decode(ac);
    const run = symbol >> 4;
    const bits = symbol & 15;
    if (bits === 0) {
      if (run !== 15) break;
      k += 15;
      continue;
    }
    k += run;
    reader.skip(bits);
  }
}

function copyClipped(out: Uint8Array, width: number, height: number, x: number, y: number): void {
  const columns = Math.min(8, width - x);
  const rows = Math.min(8, height - y);
  for (let row = 0; row < rows; row++) {
    const from = row * 8;
    out.set(edgeBlock.subarray(from, from + columns), (y + row) * width + x);
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
