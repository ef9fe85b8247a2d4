/**
 * Feeds loadGrayImage damaged copies of a real JPEG, in its own process so a
 * hang can be killed (decoding is synchronous: a timer in the same process
 * could never fire).
 *   jpeg-fuzz.ts <jpeg> <work-dir> <cases> <seed>
 * Prints "ready", then per case "start <n> <mutation>" before decoding and
 * "done <n> <outcome>" after, where outcome is "decoded", a FrameDecodeError
 * reason, or "crash: <message>" for anything else (a bug).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrameDecodeError } from '../../../src/core/frames/frame-errors.js';
import { loadGrayImage } from '../../../src/core/frames/image-loader.js';

const [source, workDir, casesArg, seedArg] = process.argv.slice(2);
if (!source || !workDir) throw new Error('usage: jpeg-fuzz.ts <jpeg> <work-dir> <cases> <seed>');
const cases = Number(casesArg);
let state = Number(seedArg) >>> 0 || 1;

/** xorshift32: reproducible damage from the seed alone. */
function random(below: number): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % below;
}

function mutate(original: Buffer): { bytes: Buffer; mutation: string } {
  const kind = random(3);
  if (kind === 0) {
    const length = 2 + random(original.length - 2);
    return { bytes: original.subarray(0, length), mutation: `truncate@${length}` };
  }
  const bytes = Buffer.from(original);
  const flips: string[] = [];
  const count = 1 + random(kind === 1 ? 3 : 12);
  for (let i = 0; i < count; i++) {
    // Half the flips land in the first 700 bytes, where the tables and headers are.
    const at = 2 + random(random(2) === 0 ? Math.min(700, bytes.length - 2) : bytes.length - 2);
    const value = kind === 1 ? bytes[at]! ^ (1 << random(8)) : random(256);
    bytes[at] = value;
    flips.push(`${at}=${value}`);
  }
  return { bytes, mutation: `set ${flips.join(',')}` };
}

const original = await readFile(source);
process.stdout.write('ready\n');
for (let n = 0; n < cases; n++) {
  const { bytes, mutation } = mutate(original);
  const file = path.join(workDir, `case-${n}.jpg`);
  await writeFile(file, bytes);
  process.stdout.write(`start ${n} ${mutation}\n`);
  let outcome: string;
  try {
    const frame = await loadGrayImage(file);
    outcome = frame.data.length === frame.width * frame.height && frame.width > 0 ? 'decoded' : 'crash: bad frame shape';
  } catch (err) {
    outcome = err instanceof FrameDecodeError && err.path === file ? err.reason : `crash: ${String(err)}`;
  }
  process.stdout.write(`done ${n} ${outcome}\n`);
}
