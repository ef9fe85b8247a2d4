import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITOR_SETTINGS, type SettingRow } from '../../src/core/config/monitor-settings.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Every device-scoped row of the settings table, through the real binary:
 * two devices with the same frames and segments, one value for capture1 and
 * another for capture2 in vpt.toml, one --replay. What the replay says about
 * the two devices (its summary, without timing, and every per-frame JSON)
 * must differ. stall_after has no stall in a replay: its live test is
 * per-device-settings.e2e.test.ts.
 */
const VALUES: Record<string, [string, string, string?]> = {
  fps: ['5', '2'],
  audio: ['true', 'false'],
  macroblocks: ['true', 'false'],
  min_event: ['"1s"', '"1h"'],
  // The segments are silent throughout: an audio_loss event under "1s", none under "1h".
  min_silence: ['"1s"', '"1h"'],
  // Digital silence reads -120 dBFS: silence under -50, sound under -120 (nothing is quieter).
  silence_db: ['-50', '-120'],
  clear_time: ['"0s"', '"5s"'],
  black_threshold: ['85', '100'],
  dark_luma: ['10', '255'],
  // The threshold is the seed rule's.
  freeze_threshold: ['2', '100', 'freeze_rule = "seed"'],
  freeze_pixel_diff: ['10', '255'],
  freeze_rule: ['"motion"', '"seed"'],
  motion_min_area: ['1', '921600'],
  ignore: ['[]', '[{ x = 0, y = 0, w = 1280, h = 720 }]'],
  zap_banner_top: ['504', '719'],
};
const NOT_IN_A_REPLAY = new Set(['stall_after']);

let root: string;
let cleanup: () => Promise<void>;
let source: string;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-per-device-replay-'));
  source = path.join(root, 'source');
  await generateCapture(source, [
    { kind: 'moving', seconds: 3 },
    { kind: 'held', seconds: 4 },
    { kind: 'moving', seconds: 2 },
    { kind: 'black', seconds: 3 },
    { kind: 'banner', seconds: 2 },
    { kind: 'moving', seconds: 3 },
  ]);
  await generateSegments({ dir: path.join(source, 'segments'), audio: [{ kind: 'silence', seconds: 17 }] });
}, 300_000);
afterAll(async () => cleanup());

/** What a replay says about one device, without its name and timing: the summary entry and every per-frame JSON. */
async function said(stream: string, summary: { devices: Record<string, unknown>[] }, device: string): Promise<string> {
  const entry = { ...summary.devices.find((d) => d.device === device)! };
  for (const key of Object.keys(entry)) if (/device|elapsed|per_?second/i.test(key)) delete entry[key];
  const metadata = path.join(stream, device, 'metadata');
  const names = (await readdir(metadata)).filter((n) => n.endsWith('.json')).sort();
  const frames = await Promise.all(names.map((n) => readFile(path.join(metadata, n), 'utf8')));
  // A frame's analysis time is the machine's, not the setting's.
  // A frame's analysis time and a zap check's clock time are the machine's, not the setting's; paths name the device.
  return (JSON.stringify(entry) + frames.join('\n')).replace(/"performance_ms": [\d.]+|"checked_at": ?"[^"]*"/g, '').replaceAll(device, '<device>');
}

const deviceRows = (MONITOR_SETTINGS as readonly SettingRow[]).filter((r) => r.scope === 'device' && !NOT_IN_A_REPLAY.has(r.toml!));

describe('every device-scoped setting is honoured per device (vpt monitor --replay, real binary)', () => {
  it('every device-scoped row has two values here', () => {
    expect(deviceRows.map((r) => r.toml).sort()).toEqual(Object.keys(VALUES).sort());
  });

  it.each(deviceRows.map((r) => r.toml!))(
    '%s',
    async (key) => {
      const [one, two, monitor] = VALUES[key]!;
      const stream = path.join(root, key);
      await rm(stream, { recursive: true, force: true });
      for (const d of ['capture1', 'capture2']) await cp(source, path.join(stream, d), { recursive: true, preserveTimestamps: true });
      const config = path.join(root, `${key}.toml`);
      await writeFile(config, `${monitor ? `[monitor]\n${monitor}\n` : ''}[devices.capture1]\n${key} = ${one}\n[devices.capture2]\n${key} = ${two}\n`);
      const run = await runVpt(['monitor', '--replay', '--stream-root', stream, '--config', config, '--json'], { timeoutMs: 120_000, env: { TMPDIR: root } });
      expect([0, 1], run.stderr).toContain(run.exitCode);
      const summary = JSON.parse(run.stdout) as { devices: Record<string, unknown>[] };
      expect(await said(stream, summary, 'capture1')).not.toEqual(await said(stream, summary, 'capture2'));
    },
    180_000,
  );

  it('the same values on both devices say the same (the comparison itself is fair)', async () => {
    const stream = path.join(root, 'same');
    for (const d of ['capture1', 'capture2']) await cp(source, path.join(stream, d), { recursive: true, preserveTimestamps: true });
    const run = await runVpt(['monitor', '--replay', '--stream-root', stream, '--json'], { timeoutMs: 120_000, env: { TMPDIR: root } });
    const summary = JSON.parse(run.stdout) as { devices: Record<string, unknown>[] };
    expect(await said(stream, summary, 'capture1')).toEqual(await said(stream, summary, 'capture2'));
  }, 180_000);
});
