/**
 * What a JPEG's first SOF (start of frame) marker declares, read without
 * decoding: the one number a decoder sizes its buffers by. libjpeg (under
 * sharp) allocates for the declared size before it reads a byte of scan data,
 * so a 1.6 KB file declaring 16383x16383 costs gigabytes; the caller refuses
 * such a frame from this header first.
 */
interface JpegDeclaredSize {
  width: number;
  height: number;
}

/** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): every coding process libjpeg knows. */
const isSof = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * The width and height of the first SOF marker, as libjpeg reads them;
 * undefined when there is none before the first scan or the end of the data
 * (the decoder then reports the file as corrupt or truncated).
 */
export function readJpegDeclaredSize(data: Uint8Array): JpegDeclaredSize | undefined {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos < data.length) {
    if (data[pos] !== 0xff) return undefined;
    while (pos < data.length && data[pos] === 0xff) pos++;
    if (pos >= data.length) return undefined;
    const marker = data[pos++]!;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length field
    if (marker === 0xda || marker === 0xd9 || pos + 2 > data.length) return undefined;
    const length = (data[pos]! << 8) | data[pos + 1]!;
    if (isSof(marker)) {
      if (length < 8 || pos + 7 > data.length) return undefined;
      return { height: (data[pos + 3]! << 8) | data[pos + 4]!, width: (data[pos + 5]! << 8) | data[pos + 6]! };
    }
    if (length < 2) return undefined;
    pos += length;
  }
  return undefined;
}
