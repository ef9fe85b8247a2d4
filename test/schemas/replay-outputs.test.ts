import { readFile, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { checkOutput } from '../helpers/output-schemas.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 28, tier 3: the replay's machine outputs, made by the real binary on
 * a generated capture, are what docs/schemas says (snake_case, one spelling,
 * a schema_version), its text line names one clock, and an incident lasts
 * exactly as long as its event. The first frame's mtime has a fraction of a
 * millisecond, as a real filesystem's does: it made the incident 1 ms longer.
 */
let root: { dir: string; cleanup: () => Promise<void> };
let stream: string;
let state: string;
let summary: Record<string, any>;
let text: string;

const FRACTIONAL_MS = 0.6;

beforeAll(async () => {
  root = await makeTempDir('vpt-schemas-replay-');
  stream = path.join(root.dir, 'stream');
  state = path.join(root.dir, 'state');
  const device = path.join(stream, 'capture1');
  const capture = await generateCapture(device, [
    { kind: 'moving', seconds: 2 },
    { kind: 'held', seconds: 6 },
    { kind: 'moving', seconds: 2 },
  ]);
  const first = (capture.firstMtimeMs + FRACTIONAL_MS) / 1000;
  for (const file of ['captures/capture_000000000.jpg', 'thumbnails/capture_000000000_thumbnail.jpg']) await utimes(path.join(device, file), first, first);
  // Audio on, and no segments folder: the audio checks find no segment.
  const args = ['monitor', '--replay', '--stream-root', stream, '--min-event', '1s', '--incident-delay', '2s'];
  const run = await runVpt([...args, '--json', '--state-dir', state], { timeoutMs: 120_000 });
  expect(run.exitCode, run.stderr).toBe(0);
  summary = JSON.parse(run.stdout) as Record<string, any>;
  const human = await runVpt([...args, '--state-dir', path.join(root.dir, 'state-text')], { timeoutMs: 120_000 });
  expect(human.exitCode, human.stderr).toBe(0);
  text = human.stdout;
}, 240_000);
afterAll(() => root.cleanup());

describe('vpt monitor --replay --json', () => {
  it('matches docs/schemas/replay-summary.schema.json', () => {
    expect(checkOutput('replay-summary', summary)).toEqual([]);
    expect(summary.devices[0]).toMatchObject({ analysed: 50, without_thumbnail: 0, incidents_opened: 1 });
  });

  it("an incident's duration is its event's, to the millisecond, from the event's start", () => {
    const [event] = summary.devices[0].events;
    const [incident] = summary.devices[0].incidents;
    expect(incident.event_start).toBe(event.start);
    expect(incident.resolved_at).toBe(event.end);
    expect(incident.duration_ms).toBe(event.duration_ms);
    expect(Date.parse(incident.resolved_at) - Date.parse(incident.event_start)).toBe(incident.duration_ms);
  });

  it('the text summary: the incident line shows the event start -> end and its duration, and labels when it opened', () => {
    const [event] = summary.devices[0].events;
    const [incident] = summary.devices[0].incidents;
    const clock = (iso: string) => iso.slice(11, 23);
    const seconds = `${(event.duration_ms / 1000).toFixed(1)}s`;
    expect(text).toContain(`  freeze  ${clock(event.start)} -> ${clock(event.end)}  ${seconds}  frames ${event.start_sequence}-${event.end_sequence}`);
    expect(text).toContain(
      `  incident #1 freeze  ${clock(event.start)} -> ${clock(event.end)}  ${seconds}  opened ${clock(incident.opened_at)}  ${incident.evidence} evidence files`,
    );
  });
});

describe('per-frame JSON and chunk files', () => {
  it('every frame JSON matches docs/schemas/frame-json.schema.json and names no audio segment when there was none', async () => {
    const dir = path.join(stream, 'capture1', 'metadata');
    const names = (await readdir(dir)).filter((n) => /^capture_\d{9}\.json$/.test(n));
    expect(names).toHaveLength(50);
    for (const name of names) {
      const doc = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Record<string, unknown>;
      expect(checkOutput('frame-json', doc), name).toEqual([]);
      // No segment, nothing heard: audio unknown, and no field that would say when or from where it was heard.
      expect(doc, name).not.toHaveProperty('audio_segment_file');
      expect(doc, name).not.toHaveProperty('audio_check_timestamp');
      expect(doc.audio, name).toBeNull();
    }
  });

  it('every chunk file matches docs/schemas/chunk.schema.json', async () => {
    const dir = path.join(stream, 'capture1', 'metadata');
    const hours = (await readdir(dir)).filter((n) => /^\d+$/.test(n));
    expect(hours.length).toBeGreaterThan(0);
    for (const hour of hours) {
      for (const name of await readdir(path.join(dir, hour))) {
        if (!name.endsWith('.json')) continue;
        expect(checkOutput('chunk', JSON.parse(await readFile(path.join(dir, hour, name), 'utf8'))), name).toEqual([]);
      }
    }
  });
});

describe('vpt incidents and vpt status on the replay state dir', () => {
  const incidents = (...args: string[]) => runVpt(['incidents', '--state-dir', state, '--since', '3650d', ...args]);

  it('list, show and prune --json match their schemas', async () => {
    const list = await incidents('--json');
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = JSON.parse(list.stdout) as { incidents: unknown[] };
    expect(checkOutput('incidents-list', listed)).toEqual([]);
    expect(listed.incidents).toHaveLength(1);
    const show = await runVpt(['incidents', 'show', '1', '--state-dir', state, '--json']);
    expect(show.exitCode, show.stderr).toBe(0);
    expect(checkOutput('incidents-show', JSON.parse(show.stdout))).toEqual([]);
    const csv = await incidents('--csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('id,device,type,status,event_start,opened_at,resolved_at,duration_ms,resolve_reason,evidence');
    const prune = await runVpt(['incidents', 'prune', '--older-than', '1d', '--state-dir', state, '--json']);
    expect(prune.exitCode, prune.stderr).toBe(0);
    expect(checkOutput('incidents-prune', JSON.parse(prune.stdout))).toEqual([]);
  });

  it('vpt status --json without a monitor matches docs/schemas/status-command.schema.json', async () => {
    const run = await runVpt(['status', '--state-dir', state, '--json']);
    expect(run.exitCode).toBe(3);
    expect(checkOutput('status-command', JSON.parse(run.stdout))).toEqual([]);
  });
});
