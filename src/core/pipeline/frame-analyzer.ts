import { fixedSettings, type SettingsRef } from '../config/device-settings.js';
import { detectBlackscreen, detectMacroblocks, detectZap, FreezeRing } from '../detectors/index.js';
import { FreezeJudge, type FreezeSettings } from '../detectors/freeze-judge.js';
import { MaskCache } from '../detectors/mask.js';
import type { BlackscreenResult, FreezeResult, MacroblockResult, ZapResult } from '../detectors/types.js';
import { FrameDecodeError } from '../frames/frame-errors.js';
import { FullDecodeRefusedError, loadGrayImage } from '../frames/image-loader.js';
import type { LoadedFrame } from './frame-loader.js';

/** Under backlog, blackscreen and freeze run on one frame in this many; the others reuse its result. */
export const BACKLOG_SAMPLE_EVERY = 5;
/**
 * Macroblocks need the capture at full size (the 8x8 grid does not survive
 * a scaled decode: half-size scores read ~20 points lower). A baseline JPEG,
 * the farm's, goes through the luma decoder at any size; any other goes
 * through sharp, whose full-size decode of a progressive 3840x2160 capture
 * costs +134 MB of peak RSS against +29 MB at 1920x1080 (measured, 3 decodes
 * in a fresh process). Above this, such a capture is not checked for
 * macroblocks, said once per device.
 */
export const MACROBLOCK_SHARP_MAX_PIXELS = 1920 * 1080;

/** Verdicts after priority suppression: what events are built from. */
export interface FrameVerdicts {
  blackscreen: boolean;
  zap: boolean;
  freeze: boolean;
  /** Frozen: the previous thumbnails it was found the same as, the analysed frames the still already covered (the event tracker dates a new freeze back by them). */
  freezeFramesBack?: number;
  /** undefined when not analysed (flag off, suppressed, or the capture could not be decoded). */
  macroblocks: boolean | undefined;
}

export interface FrameAnalysis {
  sequence: number;
  analyzed: boolean;
  /** What was wrong with the frame's files (see LoadedFrame.error). */
  error: string | undefined;
  /** Capture and thumbnail were both gone when the frame came to be analysed (see LoadedFrame.gone). */
  gone: boolean;
  source: 'thumbnail' | 'capture' | undefined;
  blackscreen: BlackscreenResult | undefined;
  zap: ZapResult | undefined;
  /** undefined when suppressed by a blackscreen. */
  freeze: FreezeResult | undefined;
  macroblocks: MacroblockResult | undefined;
  verdicts: FrameVerdicts;
  /** Blackscreen or freeze: an audio loss now is not reported (docs/design.md "Priority"). */
  suppressesAudioLoss: boolean;
  /** Blackscreen and freeze were reused from an earlier frame (backlog sampling). */
  sampled: boolean;
  performanceMs: number;
}

const NO_VERDICTS: FrameVerdicts = { blackscreen: false, zap: false, freeze: false, macroblocks: undefined };

/**
 * The analyse step of the frame pipeline, per device: detectors in priority
 * order, the freeze ring, backlog sampling. One instance per device; frames
 * must arrive in sequence order. Memory: the ring's 3 thumbnails and the last
 * results, nothing else.
 */
export class FrameAnalyzer {
  private readonly ring = new FreezeRing();
  /** --macroblocks: decode the full capture and look for blocking (costly); fixed at start, like the device's fps. */
  private readonly macroblocks: boolean;
  private readonly judge = new FreezeJudge();
  private readonly masks = new MaskCache();
  private framesSinceFull = 0;
  private toldBlocksSkipped = false;
  private readonly onNotice: ((message: string) => void) | undefined;
  private last: { black: BlackscreenResult; zap: ZapResult; freeze: FreezeResult | undefined } | undefined;

  /**
   * `settings`: the device's (config file + flags), read on every frame so that a reload applies from the next one.
   * `onNotice`: said once, captures are too large to check for macroblocks (MACROBLOCK_SHARP_MAX_PIXELS).
   */
  constructor(
    private readonly settings: SettingsRef = fixedSettings(),
    onNotice?: (message: string) => void,
  ) {
    this.macroblocks = settings.current.macroblocks;
    this.onNotice = onNotice;
  }

  /** `sampling`: the caller is behind (queue > 50); run blackscreen and freeze on every 5th frame only. */
  async analyze(frame: LoadedFrame, sampling = false): Promise<FrameAnalysis> {
    const started = performance.now();
    const thumb = frame.thumb;
    const base = { sequence: frame.files.sequence, error: frame.error, gone: frame.gone, source: frame.source };
    if (!thumb) {
      return {
        ...base,
        analyzed: false,
        blackscreen: undefined,
        zap: undefined,
        freeze: undefined,
        macroblocks: undefined,
        verdicts: NO_VERDICTS,
        suppressesAudioLoss: false,
        sampled: false,
        performanceMs: frame.loadMs,
      };
    }
    const reuse = sampling && this.last !== undefined && this.framesSinceFull % BACKLOG_SAMPLE_EVERY !== 0;
    this.framesSinceFull = reuse ? this.framesSinceFull + 1 : 1;
    let black: BlackscreenResult;
    let zap: ZapResult;
    let freeze: FreezeResult | undefined;
    if (reuse && this.last) {
      ({ black, zap, freeze } = this.last);
    } else {
      const settings: FreezeSettings = this.settings.current;
      const mask = this.masks.for(settings.masks, thumb.width, thumb.height);
      black = detectBlackscreen(thumb, settings.thresholds, mask);
      // Edges are only computed on black frames: a zap is blackscreen + banner.
      zap = detectZap(thumb, black, settings.thresholds);
      // Blackscreen suppresses freeze (a black screen is trivially "frozen").
      freeze = black.detected ? undefined : this.judge.detect(thumb, this.ring.previous(), settings, mask);
      this.last = { black, zap, freeze };
    }
    if (black.detected) {
      // Black frames are no reference for freeze once the picture is back.
      this.ring.clear();
    } else {
      this.ring.push(thumb);
    }
    const frozen = freeze?.detected === true;
    // Macroblocks need the full capture, so only when nothing outranks them.
    const macroblocks = this.macroblocks && !black.detected && !frozen ? await this.detectBlocks(frame.files.capturePath) : undefined;
    return {
      ...base,
      analyzed: true,
      blackscreen: black,
      zap,
      freeze,
      macroblocks,
      verdicts: {
        blackscreen: black.detected,
        zap: zap.detected,
        freeze: frozen,
        ...(frozen && !reuse && freeze ? { freezeFramesBack: freeze.diffs.length } : {}),
        macroblocks: macroblocks?.detected,
      },
      suppressesAudioLoss: black.detected || frozen,
      sampled: reuse,
      performanceMs: frame.loadMs + (performance.now() - started),
    };
  }

  /** The capture stopped: frames after it are not compared with the ones before (a restart is no freeze). */
  resetReference(): void {
    this.ring.clear();
    this.last = undefined;
  }

  /** Thumbnails held for freeze comparison: bounded by the ring. */
  get heldThumbnails(): number {
    return this.ring.size;
  }

  private async detectBlocks(capturePath: string): Promise<MacroblockResult | undefined> {
    try {
      return detectMacroblocks(
        await loadGrayImage(capturePath, undefined, undefined, { sharpMaxPixels: MACROBLOCK_SHARP_MAX_PIXELS }),
        this.settings.current.thresholds,
      );
    } catch (err) {
      if (err instanceof FullDecodeRefusedError) {
        if (!this.toldBlocksSkipped)
          this.onNotice?.(
            `macroblocks not checked on ${err.width}x${err.height} captures that are not baseline JPEG (a full-size decode of one costs over 100 MB; up to 1920x1080 are checked); said once`,
          );
        this.toldBlocksSkipped = true;
        return undefined;
      }
      if (err instanceof FrameDecodeError) return undefined;
      throw err;
    }
  }
}
