import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentStore } from '../../src/core/incidents/incident-store.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** A clip made after its incident opened joins its evidence, open or resolved, once, with no new notification. */
let dir: string;
let cleanup: () => Promise<void>;
let store: IncidentStore;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('vpt-add-evidence-'));
  store = IncidentStore.openInDir(dir, { outbox: true });
});
afterEach(async () => {
  store.close();
  await cleanup();
});

describe('IncidentStore.addEvidence', () => {
  it('appends once, survives the resolution (which appends its own), works on a resolved incident, and says when there is none', () => {
    const still = path.join(dir, 'thumbnails', 'capture_000000001_thumbnail.jpg');
    const clip = path.join(dir, 'clips', 'incident_1_start.mp4');
    const i = store.open('capture1', 'freeze', 1_000, [still]);
    expect(store.addEvidence(i.id, [clip])).toBe(true);
    expect(store.addEvidence(i.id, [clip])).toBe(true);
    expect(store.get(i.id)!.evidence).toEqual([still, clip]);
    const last = path.join(dir, 'thumbnails', 'capture_000000009_thumbnail.jpg');
    expect(store.resolve(i.id, 9_000, 'cleared', [last])!.evidence).toEqual([still, clip, last]);
    const end = path.join(dir, 'clips', 'incident_1_end.mp4');
    store.addEvidence(i.id, [end]);
    expect(store.get(i.id)!.evidence).toEqual([still, clip, last, end]);
    expect(store.addEvidence(999, [end])).toBe(false);
  });
});
