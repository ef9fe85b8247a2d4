import type { GrayFrame } from './gray-frame.js';
import { HUFFMAN_MAX_SYMBOLS, HuffmanTable, JpegLumaError } from './jpeg-huffman.js';
import { NATURAL_ORDER, type ScanLayout, decodeScan } from './jpeg-scan.js';

export { JpegLumaError } from './jpeg-huffman.js';

/**
 * Largest frame this decoder takes (4K UHD, 8.3 MP of output): the one
 * allocation that scales with the frame is its width x height luma. Bigger
 * frames go to sharp, whose own pixel limit then applies as before.
 */
export const MAX_LUMA_PIXELS = 3840 * 2160;
/** T.81 allows 1-4 for each sampling factor and at most 10 blocks in an interleaved MCU. */
const MAX_SAMPLING = 4;
const MAX_BLOCKS_IN_MCU = 10;
const TABLE_SLOTS = 4;

/*
 * Table state, allocated once and reused by every call (decoding is
 * synchronous, so calls never interleave): nothing per frame but the output.
 */
const quantTables = Array.from({ length: TABLE_SLOTS }, () => new Int32Array(64));
const quantDefined = new Uint8Array(TABLE_SLOTS);
const dcTables = Array.from({ length: TABLE_SLOTS }, () => new HuffmanTable());
const acTables = Array.from({ length: TABLE_SLOTS }, () => new HuffmanTable());
const huffmanDefined = new Uint8Array(2 * TABLE_SLOTS);
const huffmanCounts = new Uint8Array(17);
const huffmanSymbols = new Uint8Array(HUFFMAN_MAX_SYMBOLS);

interface Component {
  id: number;
  h: number;
  v: number;
  quant: number;
}

interface Frame {
  width: number;
  height: number;
  components: Component[];
}

/**
 * Decode the luma (Y, or the only component) of a baseline JPEG: SOF0/SOF1,
 * 8-bit, Huffman, 1 or 3 components with luma at full resolution. Returns
 * undefined for anything else (progressive, arithmetic, 12-bit, lossless,
 * CMYK, RGB, several scans, frames over MAX_LUMA_PIXELS) so the caller can
 * use a general decoder. Throws JpegLumaError when the data is broken in a way
 * libjpeg would also refuse (with sharp's failOn: 'warning').
 */
export function decodeJpegLuma(data: Uint8Array): GrayFrame | undefined {
  if (data.length < 2 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegLumaError('corrupt', 'not a JPEG');
  quantDefined.fill(0);
  huffmanDefined.fill(0);
  let restartInterval = 0;
  let frame: Frame | undefined;
  let jfif = false;
  let adobeTransform = -1;
  let pos = 2;
  for (;;) {
    if (pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
    if (data[pos] !== 0xff) throw new JpegLumaError('corrupt', 'extraneous bytes before marker');
    while (pos < data.length && data[pos] === 0xff) pos++;
    if (pos >= data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
    const marker = data[pos++]!;
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // parameterless, ignored as libjpeg does
    if (marker === 0xd8) throw new JpegLumaError('corrupt', 'two SOI markers');
    if (pos + 2 > data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
    const length = (data[pos]! << 8) | data[pos + 1]!;
    if (length < 2) throw new JpegLumaError('corrupt', 'bad marker length');
    const end = pos + length;
    if (end > data.length) throw new JpegLumaError('truncated', 'premature end of JPEG file');
    const segment = data.subarray(pos + 2, end);
    pos = end;
    if (marker === 0xc0 || marker === 0xc1) {
      if (frame) throw new JpegLumaError('corrupt', 'two SOF markers');
      frame = parseFrame(segment);
      if (!frame) return undefined;
    } else if (marker === 0xc4) {
      parseHuffmanTables(segment);
    } else if (marker === 0xdb) {
      parseQuantTables(segment);
    } else if (marker === 0xdd) {
      if (segment.length !== 2) throw new JpegLumaError('corrupt', 'bad DRI length');
      restartInterval = (segment[0]! << 8) | segment[1]!;
    } else if (marker === 0xda) {
      // One scan with every component is all this decoder reads. Like libjpeg under libvips, it stops
      // after the last MCU: what follows the scan (junk, EOI) is not looked at.
      if (!frame || !isLumaYCbCr(frame, jfif, adobeTransform)) return undefined;
      const scan = parseScan(segment, frame, restartInterval);
      if (!scan) return undefined;
      const luma = new Uint8Array(frame.width * frame.height);
      decodeScan(data, pos, scan, luma, frame.width, frame.height);
      return { data: luma, width: frame.width, height: frame.height };
    } else if (marker === 0xe0) {
      jfif ||= segment.length >= 5 && String.fromCharCode(...segment.subarray(0, 5)) === 'JFIF\0';
    } else if (marker === 0xee) {
      if (segment.length >= 12 && String.fromCharCode(...segment.subarray(0, 5)) === 'Adobe') adobeTransform = segment[11]!;
    } else if ((marker & 0xf0) === 0xc0 || marker === 0xdc) {
      return undefined; // other SOFn (progressive, lossless, arithmetic), DAC, DNL: not for this decoder
    } else if (!((marker >= 0xe1 && marker <= 0xef) || marker === 0xfe)) {
      throw new JpegLumaError('corrupt', `unknown marker 0x${marker.toString(16)}`);
    }
  }
  throw new JpegLumaError('corrupt', 'no image before EOI');
}

/** SOF0/1: undefined when the layout is not one this decoder reads (12-bit, CMYK, subsampled luma...). */
function parseFrame(segment: Uint8Array): Frame | undefined {
  if (segment.length < 6) throw new JpegLumaError('corrupt', 'bad SOF length');
  const precision = segment[0]!;
  const height = (segment[1]! << 8) | segment[2]!;
  const width = (segment[3]! << 8) | segment[4]!;
  const count = segment[5]!;
  if (segment.length !== 6 + count * 3) throw new JpegLumaError('corrupt', 'bad SOF length');
  if (precision !== 8 || (count !== 1 && count !== 3)) return undefined;
  if (width === 0 || height === 0 || width * height > MAX_LUMA_PIXELS) return undefined;
  const components: Component[] = [];
  for (let i = 0; i < count; i++) {
    const sampling = segment[7 + i * 3]!;
    const component = { id: segment[6 + i * 3]!, h: sampling >> 4, v: sampling & 15, quant: segment[8 + i * 3]! };
    if (component.h < 1 || component.h > MAX_SAMPLING || component.v < 1 || component.v > MAX_SAMPLING) {
      throw new JpegLumaError('corrupt', 'bad sampling factors');
    }
    if (component.quant >= TABLE_SLOTS) throw new JpegLumaError('corrupt', 'bad quantization table number');
    components.push(component);
  }
  const luma = components[0]!;
  // Luma must be full resolution: chroma is never upsampled here, and a subsampled luma would have to be.
  if (components.some((c) => c.h > luma.h || c.v > luma.v)) return undefined;
  return { width, height, components };
}

/** libjpeg's colour-space guess for 3 components: only YCbCr has luma as its first component. */
function isLumaYCbCr(frame: Frame, jfif: boolean, adobeTransform: number): boolean {
  if (frame.components.length === 1 || jfif) return true;
  if (adobeTransform >= 0) return adobeTransform === 1;
  const [a, b, c] = frame.components.map((component) => component.id);
  return !(a === 0x52 && b === 0x47 && c === 0x42); // 'R', 'G', 'B'
}

function parseQuantTables(segment: Uint8Array): void {
  let pos = 0;
  while (pos < segment.length) {
    const precision = segment[pos]! >> 4;
    const slot = segment[pos]! & 15;
    const size = precision === 0 ? 64 : 128;
    if (precision > 1 || slot >= TABLE_SLOTS || pos + 1 + size > segment.length) {
      throw new JpegLumaError('corrupt', 'bad DQT segment');
    }
    const table = quantTables[slot]!;
    for (let k = 0; k < 64; k++) {
      const at = pos + 1 + (precision === 0 ? k : k * 2);
      table[NATURAL_ORDER[k]!] = precision === 0 ? segment[at]! : (segment[at]! << 8) | segment[at + 1]!;
    }
    quantDefined[slot] = 1;
    pos += 1 + size;
  }
}

function parseHuffmanTables(segment: Uint8Array): void {
  let pos = 0;
  while (pos < segment.length) {
    const tableClass = segment[pos]! >> 4;
    const slot = segment[pos]! & 15;
    if (tableClass > 1 || slot >= TABLE_SLOTS || pos + 17 > segment.length) {
      throw new JpegLumaError('corrupt', 'bad DHT segment');
    }
    let total = 0;
    for (let length = 1; length <= 16; length++) {
      huffmanCounts[length] = segment[pos + length]!;
      total += huffmanCounts[length]!;
    }
    if (total > HUFFMAN_MAX_SYMBOLS || pos + 17 + total > segment.length) {
      throw new JpegLumaError('corrupt', 'bad DHT segment');
    }
    huffmanSymbols.set(segment.subarray(pos + 17, pos + 17 + total));
    (tableClass === 0 ? dcTables : acTables)[slot]!.build(huffmanCounts, huffmanSymbols, total, tableClass === 0);
    huffmanDefined[tableClass * TABLE_SLOTS + slot] = 1;
    pos += 17 + total;
  }
}

/** SOS header: undefined unless it is one baseline scan over every component. */
function parseScan(segment: Uint8Array, frame: Frame, restartInterval: number): ScanLayout | undefined {
  const count = segment[0] ?? 0;
  if (count < 1 || count > 4 || segment.length !== 4 + count * 2) throw new JpegLumaError('corrupt', 'bad SOS length');
  if (count !== frame.components.length) return undefined;
  const spectral = segment.subarray(1 + count * 2);
  if (spectral[0] !== 0 || spectral[1] !== 63 || spectral[2] !== 0) return undefined;
  const components: ScanLayout['components'] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const id = segment[1 + i * 2]!;
    const tables = segment[2 + i * 2]!;
    const index = frame.components.findIndex((c) => c.id === id);
    if (index < 0 || seen.has(index)) throw new JpegLumaError('corrupt', 'bad component in SOS');
    seen.add(index);
    const dc = tables >> 4;
    const ac = tables & 15;
    if (dc >= TABLE_SLOTS || ac >= TABLE_SLOTS) throw new JpegLumaError('corrupt', 'bad Huffman table number');
    // libjpeg substitutes the standard tables for missing ones (motion JPEG); leave that case to it.
    if (!huffmanDefined[dc] || !huffmanDefined[TABLE_SLOTS + ac]) return undefined;
    const component = frame.components[index]!;
    if (!quantDefined[component.quant]) throw new JpegLumaError('corrupt', 'quantization table not defined');
    // A single-component scan is not interleaved: one block per MCU whatever the sampling factors say.
    const single = count === 1;
    components.push({
      luma: index === 0,
      h: single ? 1 : component.h,
      v: single ? 1 : component.v,
      dc: dcTables[dc]!,
      ac: acTables[ac]!,
      quant: quantTables[component.quant]!,
    });
  }
  const blocks = frame.components.reduce((sum, c) => sum + c.h * c.v, 0);
  if (count > 1 && blocks > MAX_BLOCKS_IN_MCU) throw new JpegLumaError('corrupt', 'too many blocks in an MCU');
  // Luma has the largest sampling factors (parseFrame), so an MCU covers 8h x 8v of its pixels.
  const luma = count === 1 ? { h: 1, v: 1 } : frame.components[0]!;
  return {
    components,
    mcusAcross: Math.ceil(frame.width / (8 * luma.h)),
    mcusDown: Math.ceil(frame.height / (8 * luma.v)),
    restartInterval,
  };
}
