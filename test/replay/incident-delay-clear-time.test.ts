import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * The incident delay counts the frames that detect the event, not the clear time after them. A freeze
 * whose last frozen frame comes before the delay is no incident, though the event stays open for
 * --clear-time (1 s) of clear frames; one that lasts past it is opened at the frozen frame where the
 * delay ran out and resolved at its end, after it was opened. --incident-delay 4s scales the default
 * 30 s (a 29.6 s freeze in the detect bench's capture had been opened at 30.0 s and resolved at 29.6 s).
 */
interface Row {
  type: string;
  startMs: number;
  durationMs: number;
}

describe('--incident-delay counts detecting frames, not the clear time', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let events: Row[];
  let incidents: { type: string; event_start: string; opened_at: string; resolved_at: string; duration_ms: number }[];
  let rawEvents: { type: string; start: string; end: string; duration_ms: number }[];

  beforeAll(async () => {
    root = await makeTempDir('vpt-incident-delay-');
    // Held 3.6 s: a freeze dated from its first held frame (as ffmpeg's freezedetect dates it), under
    // the 4 s delay; its clear run then keeps the event open to ~4.6 s. Held 6 s: an incident.
    await generateCapture(path.join(root.dir, 'stream', 'capture1'), [
      { kind: 'moving', seconds: 2 },
      { kind: 'held', seconds: 3.6 },
      { kind: 'moving', seconds: 3 },
      { kind: 'held', seconds: 6 },
      { kind: 'moving', seconds: 3 },
    ]);
    const run = await runVpt(
      ['monitor', '--replay', '--stream-root', path.join(root.dir, 'stream'), '--json', '--no-audio', '--min-event', '1s', '--incident-delay', '4s'],
      { timeoutMs: 120_000 },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const device = (JSON.parse(run.stdout) as { devices: { events: typeof rawEvents; incidents: typeof incidents }[] }).devices[0]!;
    rawEvents = device.events.filter((e) => e.type === 'freeze');
    events = rawEvents.map((e) => ({ type: e.type, startMs: Date.parse(e.start), durationMs: e.duration_ms }));
    incidents = device.incidents;
  }, 180_000);
  afterAll(() => root.cleanup());

  it('two freezes: one under the delay, one over it', () => {
    expect(events).toHaveLength(2);
    expect(events[0]!.durationMs).toBeLessThan(4000);
    expect(events[1]!.durationMs).toBeGreaterThan(5000);
  });

  it('only the second is an incident, opened 4 s into it and resolved at its end', () => {
    expect(incidents.map((i) => i.type)).toEqual(['freeze']);
    const [incident] = incidents;
    const opened = Date.parse(incident!.opened_at);
    const resolved = Date.parse(incident!.resolved_at);
    const second = events[1]!;
    expect(opened - second.startMs).toBeGreaterThanOrEqual(4000);
    expect(opened - second.startMs).toBeLessThan(4000 + 200 + 1);
    expect(resolved).toBeGreaterThan(opened);
    expect(resolved).toBe(Date.parse(rawEvents[1]!.end));
    // One clock: the incident's duration is its event's, from the event's start.
    expect(Date.parse(incident!.event_start)).toBe(second.startMs);
    expect(incident!.duration_ms).toBe(rawEvents[1]!.duration_ms);
  });
});
