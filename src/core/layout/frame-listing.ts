import { promises as fs } from 'node:fs';
import { errnoCode } from '../errors.js';
import { parseFrameSequence } from './frame-names.js';
import type { DevicePaths } from './stream-layout.js';

/**
 * Every frame of a device on disk, in sequence order, as two parallel typed
 * arrays rather than an array of objects or names: a day of captures at
 * 5 fps is 432,000 frames, and 5 bytes each is what that costs here.
 */
export interface FrameIndex {
  sequences: Uint32Array;
  /** 1 when the frame is in the live (hot) folder, 0 when only in cold storage. */
  inLive: Uint8Array;
  length: number;
}

async function sequencesIn(folder: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [];
    throw err;
  }
  const out: number[] = [];
  for (const name of names) {
    const seq = parseFrameSequence(name);
    if (seq !== undefined) out.push(seq);
  }
  return out;
}

/**
 * The frames of the live folder and, in RAM mode, of cold storage too (hot
 * keeps only the last minute; the rest was archived). A frame in both is
 * taken from the live folder.
 */
export async function listFrames(paths: DevicePaths): Promise<FrameIndex> {
  const live = await sequencesIn(paths.live.captures);
  const cold = paths.hot ? await sequencesIn(paths.cold.captures) : [];
  const liveSet = new Set(live);
  const all = new Uint32Array(live.length + cold.length);
  let n = 0;
  for (const s of live) all[n++] = s;
  for (const s of cold) if (!liveSet.has(s)) all[n++] = s;
  const sequences = all.slice(0, n).sort();
  const inLive = new Uint8Array(n);
  for (let i = 0; i < n; i++) inLive[i] = liveSet.has(sequences[i]!) ? 1 : 0;
  return { sequences, inLive, length: n };
}
