import { EXIT, VptError } from '../errors.js';

/** Why a frame could not be decoded: short, stable strings for log lines and the frame's JSON `error`. */
export type FrameDecodeReason = 'missing' | 'empty file' | 'not a JPEG' | 'truncated' | 'corrupt' | 'too large' | 'not a regular file' | 'unreadable';

/**
 * One frame could not be read or decoded. Not fatal: the pipeline logs it
 * by name, writes `"error": reason` in the frame's JSON and goes on.
 */
export class FrameDecodeError extends VptError {
  readonly path: string;
  readonly reason: FrameDecodeReason;
  /** What exactly, when the reason alone does not say (`declares 16383x16383, over 3840x2160`). */
  readonly detail: string | undefined;
  constructor(path: string, reason: FrameDecodeReason, options?: { cause?: unknown; detail?: string }) {
    super(`${path}: ${reason}${options?.detail ? ` (${options.detail})` : ''}`, EXIT.warning, options);
    this.path = path;
    this.reason = reason;
    this.detail = options?.detail;
  }

  /** The reason with its detail, for log lines and the frame's JSON. */
  get description(): string {
    return this.detail ? `${this.reason} (${this.detail})` : this.reason;
  }
}
