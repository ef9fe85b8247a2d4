import { EXIT, VptError } from '../errors.js';

/** Why a frame could not be decoded: short, stable strings for log lines and the frame's JSON `error`. */
export type FrameDecodeReason =
  | 'missing'
  | 'empty file'
  | 'not a JPEG'
  | 'truncated'
  | 'corrupt'
  | 'too large'
  | 'unreadable';

/**
 * One frame could not be read or decoded. Not fatal: the pipeline logs it
 * by name, writes `"error": reason` in the frame's JSON and goes on.
 */
export class FrameDecodeError extends VptError {
  readonly path: string;
  readonly reason: FrameDecodeReason;
  constructor(path: string, reason: FrameDecodeReason, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, EXIT.warning, options);
    this.path = path;
    this.reason = reason;
  }
}
