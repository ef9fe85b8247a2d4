import { execa } from 'execa';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameDecodeError } from '../../src/core/frames/frame-errors.js';
import { loadGrayImage } from '../../src/core/frames/image-loader.js';
import { JpegLumaError, MAX_LUMA_PIXELS, decodeJpegLuma } from '../../src/core/frames/jpeg-luma.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { REAL_FIXTURES, REPO_ROOT, makeTempDir } from '../helpers/run-vpt.js';
import { VITE_NODE_CLI } from '../helpers/ts-child.js';

async function ffmpeg(args: string[]): Promise<string> {
  const result = await runProgram('ffmpeg', ['-v', 'error', '-y', ...args], { timeoutMs: 30_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

/** libjpeg's luma as ffmpeg's own decoder gives it (its IDCT rounds differently: +-1). */
async function ffmpegGray(file: string, dir: string): Promise<Uint8Array> {
  const raw = path.join(dir, `${path.basename(file)}.gray`);
  await ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'gray', raw]);
  return new Uint8Array(await readFile(raw));
}

/** What loadGrayImage gave before this decoder: libjpeg -> RGB (sharp) -> BT.601 luma; `clipped` marks RGB at 0 or 255. */
async function sharpLuma(bytes: Uint8Array): Promise<{ luma: Uint8Array; clipped: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const luma = new Uint8Array(pixels);
  const clipped = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += info.channels) {
    if (info.channels === 1) {
      luma[i] = data[j]!;
      continue;
    }
    const [r, g, b] = [data[j]!, data[j + 1]!, data[j + 2]!];
    luma[i] = (19595 * r + 38470 * g + 7471 * b + 32768) >>> 16;
    clipped[i] = [r, g, b].some((v) => v === 0 || v === 255) ? 1 : 0;
  }
  return { luma, clipped, width: info.width, height: info.height };
}

function absDiff(a: Uint8Array, b: Uint8Array, skip?: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  let counted = 0;
  for (let i = 0; i < a.length; i++) {
    if (skip?.[i]) continue;
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sum += d;
    counted++;
  }
  return { max, mean: counted ? sum / counted : 0 };
}

function markers(bytes: Uint8Array): number[] {
  const found: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] !== 0 && bytes[i + 1] !== 0xff) found.push(bytes[i + 1]!);
  }
  return found;
}

/** Offset of the first byte after marker `code`'s segment header (2 length bytes included). */
function segmentAt(bytes: Uint8Array, code: number): number {
  for (let i = 2; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === code) return i + 2;
  throw new Error(`no marker 0x${code.toString(16)}`);
}

const TESTSRC = ['-f', 'lavfi', '-i', 'testsrc2=s=320x180:d=1', '-frames:v', '1'];

/** ffmpeg's mjpeg encoder, as the farm runs it, plus odd sizes, both ends of -q:v, and slices (DRI + RSTn). */
const GENERATED = [
  ...['yuvj420p', 'yuvj422p', 'yuvj444p'].flatMap((format) =>
    [2, 31].flatMap((quality) =>
      ['320:180', '321:181'].map((size) => ({
        name: `${format} q${quality} ${size.replace(':', 'x')}`,
        args: ['-vf', `scale=${size}`, '-pix_fmt', format, '-q:v', String(quality)],
        restarts: false,
      })),
    ),
  ),
  ...['yuvj420p', 'yuvj422p'].map((format) => ({
    name: `${format} q5 1280x720 4 slices (restart markers)`,
    args: ['-vf', 'scale=1280:720', '-pix_fmt', format, '-q:v', '5', '-threads', '4', '-slices', '4'],
    restarts: true,
  })),
  {
    name: 'yuvj420p 323x179 3 slices, default Huffman tables',
    args: ['-vf', 'scale=323:179', '-pix_fmt', 'yuvj420p', '-threads', '3', '-slices', '3', '-huffman', 'default'],
    restarts: true,
  },
];

describe('decodeJpegLuma', () => {
  let dir = '';
  let cleanup = async () => {};
  const generated = new Map<string, string>();
  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir('vpt-jpeg-luma-'));
    for (const [i, frame] of GENERATED.entries()) {
      const file = path.join(dir, `generated-${i}.jpg`);
      await ffmpeg([...TESTSRC, ...frame.args, file]);
      generated.set(frame.name, file);
    }
    // 1-component JPEGs: ffmpeg's mjpeg has no gray; libvips writes them from a one-band image.
    const gray = await sharp(await readFile(generated.get(GENERATED[0]!.name)!))
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (const quality of [2, 90]) {
      const file = path.join(dir, `gray-q${quality}.jpg`);
      const raw = { width: gray.info.width, height: gray.info.height, channels: 1 } as const;
      await sharp(gray.data, { raw }).toColourspace('b-w').jpeg({ quality }).toFile(file);
      generated.set(`gray (1 component) quality ${quality}`, file);
    }
  });
  afterAll(() => cleanup());

  const realFiles = async () => (await readdir(REAL_FIXTURES)).filter((n) => n.endsWith('.jpg')).map((n) => path.join(REAL_FIXTURES, n));

  it('decodes every real capture to libjpeg luma: +-1 of ffmpeg gray, and exactly what sharp gave wherever its RGB did not clip', async () => {
    const files = await realFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const bytes = await readFile(file);
      const frame = decodeJpegLuma(bytes);
      expect(frame, file).toBeDefined();
      const before = await sharpLuma(bytes);
      expect([frame!.width, frame!.height], file).toEqual([before.width, before.height]);
      const vsFfmpeg = absDiff(frame!.data, await ffmpegGray(file, dir));
      expect(vsFfmpeg.max, file).toBeLessThanOrEqual(1);
      expect(vsFfmpeg.mean, file).toBeLessThan(0.01); // measured <= 0.007
      // Unclipped, RGB -> luma round-trips to Y exactly; clipped (saturated colour), sharp's luma moved (measured up to 44).
      expect(absDiff(frame!.data, before.luma, before.clipped).max, file).toBe(0);
      expect(absDiff(frame!.data, before.luma).mean, file).toBeLessThan(1); // measured <= 0.88
    }
  });

  it.each(GENERATED.map((g) => g.name).concat(['gray (1 component) quality 2', 'gray (1 component) quality 90']))('%s: libjpeg luma', async (name) => {
    const file = generated.get(name)!;
    const bytes = await readFile(file);
    if (GENERATED.find((g) => g.name === name)?.restarts) {
      expect(markers(bytes)).toContain(0xdd);
      expect(markers(bytes)).toContain(0xd1);
    }
    if (name.startsWith('gray')) expect(bytes[segmentAt(bytes, 0xc0) + 7]).toBe(1);
    const frame = decodeJpegLuma(bytes);
    expect(frame).toBeDefined();
    const before = await sharpLuma(bytes);
    expect([frame!.width, frame!.height]).toEqual([before.width, before.height]);
    expect(absDiff(frame!.data, before.luma, before.clipped).max).toBe(0);
    const vsFfmpeg = absDiff(frame!.data, await ffmpegGray(file, dir));
    expect(vsFfmpeg.max).toBeLessThanOrEqual(1);
    expect(vsFfmpeg.mean).toBeLessThan(0.5); // ffmpeg's IDCT rounds apart on coarse tables: measured 0.40 on gray quality 2
  });

  it('reads 16-bit quantization tables and SOF1 (extended sequential) like 8-bit SOF0', async () => {
    const bytes = await readFile(generated.get(GENERATED[0]!.name)!);
    const reference = decodeJpegLuma(bytes)!;
    // Rewrite every 8-bit DQT table as the same values in 16 bits, and SOF0 as SOF1.
    const parts: Buffer[] = [];
    let pos = 2;
    parts.push(bytes.subarray(0, 2));
    for (;;) {
      const marker = bytes[pos + 1]!;
      const length = bytes.readUInt16BE(pos + 2);
      const segment = bytes.subarray(pos, pos + 2 + length);
      if (marker === 0xdb) {
        const tables: number[] = [];
        for (let t = 4; t < segment.length; t += 65) {
          tables.push(0x10 | (segment[t]! & 15));
          for (let k = 1; k <= 64; k++) tables.push(0, segment[t + k]!);
        }
        parts.push(Buffer.from([0xff, 0xdb, (tables.length + 2) >> 8, (tables.length + 2) & 0xff, ...tables]));
      } else {
        parts.push(marker === 0xc0 ? Buffer.concat([Buffer.from([0xff, 0xc1]), segment.subarray(2)]) : segment);
      }
      pos += 2 + length;
      if (marker === 0xda) break;
    }
    parts.push(bytes.subarray(pos));
    const rewritten = Buffer.concat(parts);
    expect(markers(rewritten)).toContain(0xc1);
    expect(rewritten.length).toBeGreaterThan(bytes.length + 60);
    const before = await sharpLuma(rewritten);
    expect(absDiff(before.luma, (await sharpLuma(bytes)).luma).max).toBe(0);
    expect(decodeJpegLuma(rewritten)!.data).toEqual(reference.data);
  });

  it('returns a new image each call (frames are kept by the freeze ring), reusing nothing the caller holds', async () => {
    const bytes = await readFile(path.join(REAL_FIXTURES, 'freeze_1.jpg'));
    const first = decodeJpegLuma(bytes)!;
    const copy = Uint8Array.from(first.data);
    decodeJpegLuma(await readFile(path.join(REAL_FIXTURES, 'banner.jpg')));
    // A decode that fails mid-block leaves nothing behind either.
    const damaged = Buffer.from(await readFile(path.join(REAL_FIXTURES, 'banner.jpg')));
    for (let i = 0; i < 6; i++) damaged.set([0xff, 0x00], 1000 + i * 2); // 48 one bits: no such code
    expect(() => decodeJpegLuma(damaged)).toThrow(JpegLumaError);
    const second = decodeJpegLuma(bytes)!;
    expect(second.data).not.toBe(first.data);
    expect(first.data).toEqual(copy);
    expect(second.data).toEqual(copy);
  });

  /** The outcome loadGrayImage gives for a file: its luma, or the FrameDecodeError's reason. */
  async function loaded(file: string): Promise<Uint8Array | string> {
    return loadGrayImage(file).then(
      (frame) => frame.data,
      (err: unknown) => (err instanceof FrameDecodeError ? err.reason : Promise.reject(err)),
    );
  }

  /** A copy of `bytes` with the SOF patched by `patch` (offset = the SOF's length bytes). */
  function withSof(bytes: Buffer, patch: (copy: Buffer, at: number) => void): Buffer {
    const copy = Buffer.from(bytes);
    patch(copy, segmentAt(copy, 0xc0));
    return copy;
  }

  it.each([
    { name: 'progressive', make: async (src: Buffer) => sharp(src).jpeg({ progressive: true }).toBuffer() },
    { name: 'CMYK (4 components)', make: async (src: Buffer) => sharp(src).toColourspace('cmyk').jpeg().toBuffer() },
    {
      name: 'lossless (ffmpeg ljpeg, SOF3)',
      make: async () => {
        const file = path.join(dir, 'lossless.jpg');
        await ffmpeg([...TESTSRC, '-c:v', 'ljpeg', '-pix_fmt', 'yuvj420p', file]);
        return readFile(file);
      },
    },
    { name: '12-bit precision', make: async (src: Buffer) => withSof(src, (b, at) => (b[at + 2] = 12)) },
    { name: 'arithmetic coding (SOF9)', make: async (src: Buffer) => withSof(src, (b, at) => (b[at - 1] = 0xc9)) },
    {
      name: `over MAX_LUMA_PIXELS (${MAX_LUMA_PIXELS})`,
      make: async (src: Buffer) => withSof(src, (b, at) => (b.writeUInt16BE(4000, at + 3), b.writeUInt16BE(4000, at + 5))),
    },
    {
      name: 'RGB components (Adobe transform 0 / ids R, G, B)',
      make: async (src: Buffer) =>
        withSof(src, (b, at) => {
          for (const [i, id] of [0x52, 0x47, 0x42].entries()) b[at + 8 + i * 3] = id;
          const sos = segmentAt(b, 0xda);
          for (const [i, id] of [0x52, 0x47, 0x42].entries()) b[sos + 3 + i * 2] = id;
          b[segmentAt(b, 0xe0) + 2] = 0x4a ^ 0x20; // no JFIF: libjpeg then reads R, G, B ids as RGB
        }),
    },
  ])('$name: left to sharp, so loadGrayImage behaves as before', async ({ name, make }) => {
    const source = await readFile(generated.get(GENERATED[2]!.name)!);
    const bytes = await make(source);
    expect(decodeJpegLuma(bytes), name).toBeUndefined();
    const file = path.join(dir, `fallback-${name.replace(/\W+/g, '-')}.jpg`);
    await writeFile(file, bytes);
    const before = await sharpLuma(bytes).then(
      (r) => r.luma,
      () => 'refused',
    );
    const now = await loaded(file);
    if (before === 'refused') expect(typeof now).toBe('string');
    else expect(now).toEqual(before);
  });

  /** Damage to a restart-marker frame, with the reason libjpeg (through sharp) would give. */
  const DAMAGE: { name: string; reason: 'truncated' | 'corrupt'; damage: (b: Buffer) => Buffer }[] = [
    { name: 'cut in the headers', reason: 'truncated', damage: (b) => b.subarray(0, 100) },
    { name: 'cut mid-scan', reason: 'truncated', damage: (b) => b.subarray(0, Math.floor(b.length * 0.6)) },
    { name: 'no EOI', reason: 'truncated', damage: (b) => b.subarray(0, b.length - 2) },
    {
      name: 'EOI in the middle of the scan',
      reason: 'truncated',
      damage: (b) => {
        const at = Math.floor(b.length * 0.4);
        return Buffer.concat([b.subarray(0, at), Buffer.from([0xff, 0xd9])]);
      },
    },
    {
      name: 'restart markers out of sequence',
      reason: 'corrupt',
      damage: (b) => {
        const copy = Buffer.from(b);
        copy[copy.indexOf(Buffer.from([0xff, 0xd1])) + 1] = 0xd3;
        return copy;
      },
    },
    {
      name: 'extraneous bytes before a restart marker',
      reason: 'corrupt',
      damage: (b) => {
        const at = b.indexOf(Buffer.from([0xff, 0xd1]));
        // More than any read-ahead takes, so the decoder has to skip them to find the marker.
        return Buffer.concat([b.subarray(0, at), Buffer.alloc(64, 1), b.subarray(at)]);
      },
    },
    {
      name: 'Huffman code that does not exist (all ones)',
      reason: 'corrupt',
      damage: (b) => {
        const copy = Buffer.from(b);
        const at = copy.indexOf(Buffer.from([0xff, 0xd0])) - 40;
        for (let i = 0; i < 6; i++) copy.set([0xff, 0x00], at + i * 2);
        return copy;
      },
    },
    {
      name: 'Huffman counts that overflow the code space',
      reason: 'corrupt',
      damage: (b) => {
        const copy = Buffer.from(b);
        copy[segmentAt(copy, 0xc4) + 3] = 3; // three 1-bit codes
        return copy;
      },
    },
    {
      name: 'unknown marker',
      reason: 'corrupt',
      damage: (b) => {
        const copy = Buffer.from(b);
        copy[segmentAt(copy, 0xc4) - 1] = 0xf5;
        return copy;
      },
    },
    {
      name: 'segment length running past the end',
      reason: 'truncated',
      damage: (b) => {
        const copy = Buffer.from(b);
        copy.writeUInt16BE(0xfff0, segmentAt(copy, 0xc4));
        return copy;
      },
    },
  ];

  it.each(DAMAGE)('$name -> "$reason", which sharp also refuses', async ({ name, reason, damage }) => {
    const source = await readFile(generated.get(GENERATED.at(-1)!.name)!);
    const bytes = damage(source);
    const error = (() => {
      try {
        decodeJpegLuma(bytes);
        return undefined;
      } catch (err) {
        return err;
      }
    })();
    expect(error, name).toBeInstanceOf(JpegLumaError);
    expect((error as JpegLumaError).reason).toBe(reason);
    await expect(sharp(bytes, { failOn: 'warning' }).raw().toBuffer()).rejects.toThrow();
    const file = path.join(dir, `damaged-${name.replace(/\W+/g, '-')}.jpg`);
    await writeFile(file, bytes);
    expect(await loaded(file)).toBe(reason);
  });

  it('ignores what follows the last MCU (junk before EOI), as libjpeg under sharp does', async () => {
    const source = await readFile(generated.get(GENERATED.at(-1)!.name)!);
    const bytes = Buffer.concat([source.subarray(0, source.length - 2), Buffer.from([1, 2, 3, 0xff, 0xd9])]);
    const before = await sharpLuma(bytes);
    expect(absDiff(decodeJpegLuma(bytes)!.data, before.luma, before.clipped).max).toBe(0);
  });

  /** Cases, per-case bound, and seed for the fuzz run; the bound catches a hang, it is no speed budget. */
  const FUZZ_CASES = 400;
  const FUZZ_CASE_TIMEOUT_MS = 5_000;
  const FUZZ_SEED = 20261128;

  it(`fuzz: ${FUZZ_CASES} damaged copies of a real frame each decode or fail with a FrameDecodeError, none hangs`, async () => {
    const fuzzDir = path.join(dir, 'fuzz');
    await execa('mkdir', [fuzzDir]);
    const child = execa(
      process.execPath,
      [VITE_NODE_CLI, 'test/helpers/children/jpeg-fuzz.ts', path.join(REAL_FIXTURES, 'almost_freeze1.jpg'), fuzzDir, String(FUZZ_CASES), String(FUZZ_SEED)],
      { cwd: REPO_ROOT, reject: false, stdin: 'ignore' },
    );
    const outcomes = new Map<string, number>();
    let current = 'start-up';
    let finished = 0;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => {
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => resolve(current), ms);
      };
      arm(30_000);
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('start ')) current = line;
          if (line.startsWith('done ')) {
            finished++;
            const outcome = line.split(' ').slice(2).join(' ');
            expect(outcome, current).not.toMatch(/^crash/);
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          }
          arm(FUZZ_CASE_TIMEOUT_MS);
        }
      });
    });
    const result = await Promise.race([child, hung]);
    clearTimeout(timer);
    if (typeof result === 'string') {
      child.kill('SIGKILL');
      throw new Error(`no answer within ${FUZZ_CASE_TIMEOUT_MS} ms: ${result}`);
    }
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(finished).toBe(FUZZ_CASES);
    for (const outcome of outcomes.keys()) expect(['decoded', 'truncated', 'corrupt', 'not a JPEG']).toContain(outcome);
    // Both sides are exercised, so the test cannot pass by everything decoding or everything failing.
    expect(outcomes.get('decoded') ?? 0).toBeGreaterThan(20);
    expect((outcomes.get('truncated') ?? 0) + (outcomes.get('corrupt') ?? 0)).toBeGreaterThan(100);
  }, 300_000);
});
