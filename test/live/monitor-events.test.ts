import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/core/live/monitor-events.js';
import type { MonitorEvent } from '../../src/core/events/monitor-event.js';

const ts = '2025-10-17T14:30:00.000Z';

describe('describeEvent', () => {
  it.each<[MonitorEvent, string | undefined]>([
    [{ event: 'event_started', ts, device: 'capture1', type: 'freeze', sequence: 12 }, `[capture1] freeze started at frame 12 (${ts})`],
    [
      { event: 'event_ended', ts, device: 'capture1', type: 'freeze', sequence: 80, start: ts, duration_ms: 13_600 },
      '[capture1] freeze ended at frame 80 after 14s',
    ],
    [
      {
        event: 'incident_opened',
        ts,
        device: 'capture2',
        type: 'blackscreen',
        incident_id: 7,
        evidence: ['/cold/capture2/captures/c_1.jpg', '/cold/capture2/thumbnails/c_1.jpg'],
      },
      '[capture2] INCIDENT #7 opened: blackscreen (evidence: 2 files in /cold/capture2; vpt incidents show 7)',
    ],
    [
      { event: 'incident_opened', ts, device: 'capture2', type: 'capture_stalled', incident_id: 8, evidence: [] },
      '[capture2] INCIDENT #8 opened: capture_stalled (no evidence files; vpt incidents show 8)',
    ],
    [
      { event: 'incident_resolved', ts, device: 'capture2', type: 'blackscreen', incident_id: 7, duration_ms: 42_400, resolve_reason: 'cleared', evidence: [] },
      '[capture2] INCIDENT #7 resolved: blackscreen after 42s (cleared)',
    ],
    [
      { event: 'queue_backlog', ts, device: 'capture1', active: true, size: 51 },
      '[capture1] analysis behind: 51 frames waiting, sampling every 5th frame until caught up',
    ],
    [{ event: 'queue_backlog', ts, device: 'capture1', active: false, size: 0 }, '[capture1] caught up with the capture'],
    [
      { event: 'dropped', ts, device: 'capture1', count: 1850, first_sequence: 0, last_sequence: 1849, total: 1850 },
      '[capture1] dropped 1850 frames (0..1849) the analysis could not keep up with; 1850 in total',
    ],
    [{ event: 'frame', ts, device: 'capture1', sequence: 5, sampled: true, late: true, performance_ms: 12.34 }, '[capture1] frame 5 (sampled) (late) 12.3ms'],
    // Sweeps and memory have the design's own lines (formatSweepLine, formatMemoryLine).
    [{ event: 'memory', ts, rss_bytes: 1, hwm_bytes: null, alert_bytes: 2, alert: false }, undefined],
  ])('%j', (event, line) => {
    expect(describeEvent(event)).toBe(line);
  });
});
