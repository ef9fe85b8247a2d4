import { describe, expect, it } from 'vitest';
import { toAlert } from '../../src/core/alertmanager/alerts.js';
import { UsageError } from '../../src/core/errors.js';
import { parsePublicUrl } from '../../src/core/http/public-url.js';
import type { Incident } from '../../src/core/incidents/incident.js';
import { toWebhookPayload } from '../../src/core/webhook/outbox.js';
import { runVpt } from '../helpers/run-vpt.js';

/** --public-url: what it accepts, and the links the webhook and Alertmanager payloads then carry. */
const incident: Incident = {
  id: 12,
  device: 'capture1',
  type: 'blackscreen',
  status: 'resolved',
  eventStartAt: Date.parse('2026-12-01T10:00:00Z'),
  openedAt: Date.parse('2026-12-01T10:00:30Z'),
  resolvedAt: Date.parse('2026-12-01T10:01:00Z'),
  durationMs: 60_000,
  evidence: [],
  metadata: {},
  resolveReason: 'cleared',
};

describe('--public-url', () => {
  it('takes an http(s) URL, adds the final slash, drops query and fragment; refuses anything else in one line', () => {
    expect(parsePublicUrl('http://farm-3:9842')).toBe('http://farm-3:9842/');
    expect(parsePublicUrl('https://proxy.example/vpt/farm-3?x=1#y')).toBe('https://proxy.example/vpt/farm-3/');
    for (const bad of ['farm-3:9842', 'ftp://farm-3/', 'not a url', 'http://user:secret@farm-3/']) {
      expect(() => parsePublicUrl(bad), bad).toThrow(UsageError);
    }
    expect(() => parsePublicUrl('http://user:secret@farm-3/')).toThrow(/^--public-url: no user:password@/);
  });

  it('Alertmanager: generatorURL is the incident on that host, the clips are an annotation; without it, the page as before', () => {
    const alert = toAlert(incident, 'farm-3', Date.now(), 'http://farm-3:9842/', 'https://proxy.example/vpt/');
    expect(alert.generatorURL).toBe('https://proxy.example/vpt/#incident-12');
    expect(alert.annotations.clip).toBe('https://proxy.example/vpt/clips/incident/12/start.mp4\nhttps://proxy.example/vpt/clips/incident/12/end.mp4');
    const plain = toAlert(incident, 'farm-3', Date.now(), 'http://farm-3:9842/');
    expect(plain.generatorURL).toBe('http://farm-3:9842/#incident-12');
    expect(plain.annotations.clip).toBeUndefined();
  });

  it('webhook: the incident and its clips (the end clip once resolved); no keys without it', () => {
    const row = { id: 5, incidentId: 12, event: 'incident_opened' as const, incident: { ...incident, status: 'open' as const }, attempts: 0, createdAt: 0 };
    expect(toWebhookPayload(row, 'farm-3', 'http://farm-3:9842/')).toMatchObject({
      incident_url: 'http://farm-3:9842/#incident-12',
      clip_urls: ['http://farm-3:9842/clips/incident/12/start.mp4'],
    });
    expect(toWebhookPayload({ ...row, event: 'incident_resolved' }, 'farm-3', 'http://farm-3:9842/').clip_urls).toHaveLength(2);
    const plain = toWebhookPayload(row, 'farm-3');
    expect('incident_url' in plain || 'clip_urls' in plain).toBe(false);
  });
});

describe('vpt monitor --public-url (binary)', () => {
  it('a bad value is one line and exit 2, before anything else is touched', async () => {
    const run = await runVpt(['monitor', '--public-url', 'farm-3:9842', '--stream-root', '/nonexistent-vpt-root', '--listen', 'off']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^vpt: --public-url: "farm-3:9842" is not an http:\/\/ or https:\/\/ URL/)]);
  });
});
