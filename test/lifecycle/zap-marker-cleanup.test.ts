import { readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInProgressMarker, removeStaleZapMarker, STALE_ZAP_MARKER_MS, ZAP_MARKER_FILE } from '../../src/core/lifecycle/zap-marker-cleanup.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-zapmarker-')));
afterEach(async () => cleanup());

const NOW = Date.parse('2025-10-17T14:30:00Z');
async function marker(content: object, ageMs: number): Promise<void> {
  const file = path.join(dir, ZAP_MARKER_FILE);
  await writeFile(file, JSON.stringify(content));
  const t = (NOW - ageMs) / 1000;
  await utimes(file, t, t);
}

describe('stale zap markers', () => {
  it('recognises both in-progress shapes and nothing else', () => {
    expect(isInProgressMarker('{"status":"in_progress","started_at":"x"}')).toBe(true);
    expect(isInProgressMarker('{"in_progress":true}')).toBe(true);
    expect(isInProgressMarker('{"status":"aborted"}')).toBe(false);
    expect(isInProgressMarker('{"zap":true,"duration_ms":1200}')).toBe(false);
    expect(isInProgressMarker('not json')).toBe(false);
    expect(isInProgressMarker('null')).toBe(false);
  });

  it.each([
    ['in_progress, just over 5 minutes old: removed', { status: 'in_progress' }, STALE_ZAP_MARKER_MS + 1_000, true],
    ['in_progress, exactly 5 minutes: kept', { status: 'in_progress' }, STALE_ZAP_MARKER_MS, false],
    ['in_progress, fresh: kept (a check may be running)', { in_progress: true }, 10_000, false],
    ['a result, however old: kept', { status: 'done', zap: true }, 3_600_000, false],
  ])('%s', async (_name, content, ageMs, removed) => {
    await marker(content, ageMs);
    const result = await removeStaleZapMarker(dir, NOW);
    expect(result).toBe(removed ? path.join(dir, ZAP_MARKER_FILE) : undefined);
    expect(await readdir(dir)).toEqual(removed ? [] : [ZAP_MARKER_FILE]);
  });

  it('a missing folder or marker is not an error', async () => {
    expect(await removeStaleZapMarker(path.join(dir, 'missing'), NOW)).toBeUndefined();
    expect(await removeStaleZapMarker(dir, NOW)).toBeUndefined();
  });
});
