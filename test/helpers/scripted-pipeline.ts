import { readFile } from 'node:fs/promises';
import type { IncidentType } from '../../src/core/events/types.js';
import type { CapturedFrame } from '../../src/core/live/capture-watcher.js';
import type { AnalyzeMode, LivePipeline } from '../../src/core/live/live-pipeline.js';
import type { EventTransition, FrameOutcome } from '../../src/core/pipeline/frame-outcome.js';

/**
 * Stand-in for the live pipeline (core/live/live-pipeline.ts) in
 * orchestration tests: the frame file's text says what it
 * shows ("ok", "blackscreen", "freeze"), so a test can script episodes and
 * check what the monitor does with them. Events start on the first detecting
 * frame and end on the first clear one, as docs/design.md says.
 */
export function scriptedPipeline(options: { delayMs?: number; analysed?: CapturedFrame[] } = {}): LivePipeline {
  const open = new Map<IncidentType, { startMs: number; firstSequence: number; lastSequence: number; lastMs: number }>();
  return {
    async frame(frame: CapturedFrame, mode: AnalyzeMode): Promise<FrameOutcome> {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      options.analysed?.push(frame);
      // frame-writer.ts ends each placeholder with the JPEG end marker (FF D9): it is not part of the script.
      const bytes = await readFile(frame.path);
      const shows = bytes
        .subarray(0, bytes.at(-2) === 0xff && bytes.at(-1) === 0xd9 ? -2 : undefined)
        .toString('utf8')
        .trim();
      const transitions: EventTransition[] = [];
      // Like the real pipeline's: a late frame reuses the last analysis, and so does a sampled one here (every one, not 4 of 5).
      if (mode.late) return { sequence: frame.sequence, timeMs: frame.mtimeMs, ongoing: [], transitions, reused: true };
      for (const type of ['blackscreen', 'freeze'] as const) {
        const current = open.get(type);
        if (shows === type && !current) {
          open.set(type, { startMs: frame.mtimeMs, firstSequence: frame.sequence, lastSequence: frame.sequence, lastMs: frame.mtimeMs });
          transitions.push({ kind: 'event_started', type, startMs: frame.mtimeMs, firstSequence: frame.sequence });
        } else if (shows === type && current) {
          current.lastSequence = frame.sequence;
          current.lastMs = frame.mtimeMs;
        } else if (current) {
          open.delete(type);
          transitions.push({
            kind: 'event_ended',
            type,
            startMs: current.startMs,
            firstSequence: current.firstSequence,
            lastSequence: current.lastSequence,
            endMs: frame.mtimeMs,
            durationMs: frame.mtimeMs - current.startMs,
          });
        }
      }
      const ongoing = [...open].map(([type, e]) => ({ type, startMs: e.startMs, lastMs: e.lastMs }));
      const picture = { black: shows === 'blackscreen', frozen: shows === 'freeze' };
      return { sequence: frame.sequence, timeMs: frame.mtimeMs, ongoing, transitions, picture, ...(mode.sample ? { reused: true } : {}) };
    },
  };
}
