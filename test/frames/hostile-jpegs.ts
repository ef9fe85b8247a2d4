import sharp from 'sharp';

/** SOF markers by coding process (T.81 table B.1). */
export const SOF = {
  baseline: 0xc0,
  extended: 0xc1,
  progressive: 0xc2,
  arithmetic: 0xc9,
  arithmeticProgressive: 0xca,
} as const;

/** Offset of the first SOFn marker's 0xFF, or -1. */
function sofOffset(jpeg: Uint8Array): number {
  let pos = 2;
  while (pos + 4 <= jpeg.length) {
    if (jpeg[pos] !== 0xff) return -1;
    const marker = jpeg[pos + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return pos;
    if (marker === 0xda || marker === 0xd9) return -1;
    pos += 2 + ((jpeg[pos + 2]! << 8) | jpeg[pos + 3]!);
  }
  return -1;
}

/**
 * A copy of a real JPEG whose first SOF marker says `marker` and declares
 * width x height; the scan data stays that of the original (the attack:
 * a tiny file that makes the decoder allocate for the declared size).
 */
export function withDeclaredSize(jpeg: Uint8Array, width: number, height: number, marker: number = SOF.baseline): Buffer {
  const out = Buffer.from(jpeg);
  const at = sofOffset(out);
  if (at < 0) throw new Error('no SOF marker');
  out[at + 1] = marker;
  out.writeUInt16BE(height, at + 5);
  out.writeUInt16BE(width, at + 7);
  return out;
}

/** The same picture as a progressive JPEG (libjpeg through sharp). */
export async function progressiveOf(jpeg: Uint8Array): Promise<Buffer> {
  return sharp(jpeg).jpeg({ progressive: true, quality: 80 }).toBuffer();
}

/** A real baseline JPEG of this size (a gradient, so it compresses to a few KB). */
export async function baselineOfSize(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .jpeg({ quality: 50 })
    .toBuffer();
}
