import type { PictureKind } from './demo-script.js';
import { loadSharp } from '../frames/sharp-loader.js';

export const CAPTURE_WIDTH = 1280;
export const CAPTURE_HEIGHT = 720;
export const THUMBNAIL_WIDTH = 320;
export const THUMBNAIL_HEIGHT = 180;
const CHANNELS = 3;
/** Bars move this far per frame: on the thumbnail (every 4th pixel) a third of the pixels change, far above the 2% freeze line. */
const BAR_STEP_PX = 24;
const BAR_WIDTH_PX = 64;
const BANDS = 8;

export interface EncodedFrame {
  capture: Buffer;
  thumbnail: Buffer;
}

type Sharp = typeof import('sharp');

/**
 * Renders the demo device's pictures and encodes them as the farm's ffmpeg
 * does: a 1280x720 JPEG and its 320x180 nearest-neighbour thumbnail. One
 * reusable pixel buffer; the still pictures (black, zap banner) are encoded
 * once, and a freeze repeats the last moving frame's bytes, as a capture of
 * a frozen set-top box does.
 */
export class DemoFrameRenderer {
  private readonly pixels = Buffer.alloc(CAPTURE_WIDTH * CAPTURE_HEIGHT * CHANNELS);
  private sharp: Sharp | undefined;
  private last: EncodedFrame | undefined;
  private readonly stills = new Map<'blackscreen' | 'zap', EncodedFrame>(); // two entries at most

  async render(kind: PictureKind, sequence: number): Promise<EncodedFrame> {
    if (kind === 'freeze' && this.last) return this.last;
    if (kind === 'blackscreen' || kind === 'zap') {
      let still = this.stills.get(kind);
      if (!still) {
        this.paintBlack(kind === 'zap');
        still = await this.encode();
        this.stills.set(kind, still);
      }
      return still;
    }
    this.paintMoving(sequence);
    this.last = await this.encode();
    return this.last;
  }

  /** Diagonal bands of coloured bars sliding sideways, plus a counter block in the header. */
  private paintMoving(sequence: number): void {
    const row = Buffer.alloc(CAPTURE_WIDTH * CHANNELS);
    const bandHeight = CAPTURE_HEIGHT / BANDS;
    for (let band = 0; band < BANDS; band++) {
      const shift = sequence * BAR_STEP_PX + band * (BAR_WIDTH_PX / 4);
      for (let x = 0; x < CAPTURE_WIDTH; x++) {
        const on = Math.floor((x + shift) / BAR_WIDTH_PX) % 2 === 0;
        const o = x * CHANNELS;
        row[o] = on ? 220 : 40 + band * 8;
        row[o + 1] = on ? 190 : 70;
        row[o + 2] = on ? 60 : 140 - band * 6;
      }
      for (let y = band * bandHeight; y < (band + 1) * bandHeight; y++) row.copy(this.pixels, y * CAPTURE_WIDTH * CHANNELS);
    }
    // A block that changes with the frame number, in the header rows the detectors skip.
    this.fillRect(16, 8, 96, 24, (sequence * 37) % 256);
  }

  /**
   * Black; with `banner`, a channel banner in the bottom 30% the way a
   * set-top box draws one while it tunes: a grey strip with a logo and two
   * lines of text-like blocks (a few % of edge pixels there, like a real one).
   */
  private paintBlack(banner: boolean): void {
    this.pixels.fill(0);
    if (!banner) return;
    this.fillRect(48, 560, CAPTURE_WIDTH - 96, 128, 48);
    this.fillRect(80, 576, 96, 96, 235); // logo
    let x = 224;
    for (let i = 0; x < CAPTURE_WIDTH - 120; i++) {
      const width = 16 + ((i * 7) % 4) * 8; // words of varying length
      this.fillRect(x, 584, width, 28, 230);
      if (i % 3 !== 2) this.fillRect(x, 632, Math.max(8, width - 8), 20, 180);
      x += width + 24;
    }
  }

  private fillRect(left: number, top: number, width: number, height: number, luma: number): void {
    for (let y = top; y < top + height; y++) {
      const start = (y * CAPTURE_WIDTH + left) * CHANNELS;
      this.pixels.fill(luma, start, start + width * CHANNELS);
    }
  }

  private async encode(): Promise<EncodedFrame> {
    // sharp is heavy: loaded by the demo only when it renders its first frame.
    this.sharp ??= await loadSharp();
    const raw = { raw: { width: CAPTURE_WIDTH, height: CAPTURE_HEIGHT, channels: CHANNELS } } as const;
    const [capture, thumbnail] = await Promise.all([
      this.sharp(this.pixels, raw).jpeg({ quality: 85 }).toBuffer(),
      this.sharp(this.pixels, raw).resize(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, { kernel: 'nearest' }).jpeg({ quality: 85 }).toBuffer(),
    ]);
    return { capture, thumbnail };
  }
}
