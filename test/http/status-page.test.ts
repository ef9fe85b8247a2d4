import { describe, expect, it } from 'vitest';
import type { IncidentJson, StatusJson } from '../../src/core/http/status-api.js';
import { pageTitle, renderStatusPage } from '../../src/core/http/status-page.js';
import { faviconSvg } from '../../src/core/http/status-page-favicon.js';

/** The server-rendered page (what shows before and without script): empty states, order, words. */
const device = (name: string, extra: Partial<StatusJson['devices'][number]> = {}): StatusJson['devices'][number] => ({
  device: name,
  last_sequence: 10,
  analysed_sequence: 9,
  last_frame_at: '2026-12-01T10:00:00.000Z',
  last_frame_age_ms: 200,
  fps: 5,
  frames_analysed: 10,
  frames_dropped: 0,
  frames_bad: 0,
  frames_seen: 10,
  frames_sampled: 0,
  frames_failed: 0,
  frames_superseded: 0,
  frames_pending: 0,
  queued: 0,
  behind: false,
  states: { black: false, frozen: false, audio: 'ok', stalled: false },
  open_events: [],
  thumbnail_url: `/img/device/${name}/9`,
  ...extra,
});

function status(devices: StatusJson['devices']): StatusJson {
  return {
    schema_version: 1,
    vpt_version: '0.0.0',
    pid: 1,
    host: 'host<1>',
    started_at: '2026-12-01T09:00:00.000Z',
    written_at: '2026-12-01T10:00:00.000Z',
    uptime_ms: 1,
    rss_bytes: 1,
    stall_after_ms: 10_000,
    devices,
    open_incidents: [],
  };
}

const incident: IncidentJson = {
  id: 3,
  device: 'capture2',
  type: 'freeze',
  status: 'open',
  event_start: '2026-12-01T09:59:00.000Z',
  opened_at: '2026-12-01T09:59:30.000Z',
  resolved_at: null,
  duration_ms: 60_000,
  resolve_reason: null,
  evidence: [],
  thumbnails: [{ sequence: 4, url: '/img/incident/3/0' }],
  clips: [{ phase: 'start', url: '/clips/incident/3/start.mp4' }],
};

describe('renderStatusPage', () => {
  it('empty: says there are no devices and no incidents, and hides the empty tables', () => {
    const html = renderStatusPage(status([]), { open: [], resolved: [] });
    expect(html).toContain('<p class="empty" data-empty="devices">No devices are monitored.</p>');
    expect(html).toContain('<p class="empty" data-empty="open">No open incidents.</p>');
    expect(html).toContain('<p class="empty" data-empty="resolved">No resolved incidents yet.</p>');
    expect(html).toContain('<table data-table="open" hidden>');
    expect(html).toContain('<title>vpt monitor on host&#60;1&#62;</title>');
    expect(html).toContain('href="/favicon.svg?n=0"');
  });

  it('devices in trouble first, set apart; a device with no frame waits in words, with no image source', () => {
    const html = renderStatusPage(
      status([
        device('capture1'),
        device('capture2', { states: { black: false, frozen: true, audio: 'ok', stalled: false } }),
        device('capture3', { last_sequence: null, analysed_sequence: null, thumbnail_url: null, last_frame_age_ms: null }),
      ]),
      { open: [incident], resolved: [] },
    );
    const order = [...html.matchAll(/<article class="card( trouble)?" data-device="(capture\d)"/g)].map((m) => `${m[2]}${m[1] ?? ''}`);
    expect(order).toEqual(['capture2 trouble', 'capture1', 'capture3']);
    expect(html).toContain('alt="Frame 9 of capture2: frozen"');
    const waiting = html.slice(html.indexOf('data-device="capture3"'));
    expect(waiting).toMatch(
      /<img data-f="thumb" width="320" height="180" alt="" hidden><div class="waiting" data-f="waiting">waiting for the first frame<\/div>/,
    );
    expect(waiting).toContain('<span class="badge wait">no frame yet</span>');
    expect(html).toContain('<title>(1) vpt monitor on host&#60;1&#62;</title>');
    expect(html).toContain('<p id="summary" role="status" class="bad">1 open incident; 1 of 3 devices need attention</p>');
    expect(html).toContain(
      '<video src="/clips/incident/3/start.mp4" poster="/img/incident/3/0" controls muted playsinline preload="none" aria-label="Clip of incident #3',
    );
    expect(html).toContain('<time data-f="started" datetime="2026-12-01T09:59:00.000Z" title="2026-12-01T09:59:00.000Z">');
  });

  it('the title and the favicon carry the open count', () => {
    expect(pageTitle('h', 0)).toBe('vpt monitor on h');
    expect(pageTitle('h', 12)).toBe('(12) vpt monitor on h');
    expect(faviconSvg(0)).not.toContain('<text');
    expect(faviconSvg(7)).toMatch(/fill="#b71c1c".*>7<\/text>/);
    expect(faviconSvg(100)).toContain('>!</text>');
  });
});
