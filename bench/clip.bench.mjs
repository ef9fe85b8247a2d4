// An incident clip's cost: CPU ms (user+sys of ffmpeg, as bash's `times` reports children) and bytes
// of one clip of CLIP_MAX_FRAMES 320x180 thumbnails, with the exact ffmpeg arguments the monitor uses
// (dist/core/clips/clip-encoder.js). Two pictures: a moving test pattern with noise (the costly case)
// and a mostly black screen (a blackscreen incident). Usage: node bench/clip.bench.mjs [runs] (default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, median } from './lib.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { clipFfmpegArgs } = await import(path.join(dist, 'core/clips/clip-encoder.js'));
const { CLIP_FPS, CLIP_MAX_FRAMES } = await import(path.join(dist, 'core/clips/clip-window.js'));
const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vpt-clip-bench-'));

const pictures = {
  moving: 'testsrc2=size=320x180:rate=5,noise=alls=8:allf=t',
  black: 'color=c=black:size=320x180:rate=5,drawtext=text=%{n}:x=10:y=10:fontcolor=white',
};

try {
  for (const [name, source] of Object.entries(pictures)) {
    const frames = path.join(dir, name);
    spawnSync('mkdir', ['-p', frames]);
    const made = spawnSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      source,
      '-frames:v',
      String(CLIP_MAX_FRAMES),
      '-q:v',
      '4',
      path.join(frames, 'f_%04d.jpg'),
    ]);
    if (made.status !== 0) throw new Error(`cannot make frames: ${made.stderr}`);
    const files = readdirSync(frames)
      .sort()
      .map((f) => path.join(frames, f));
    const cpu = [];
    let bytes = 0;
    for (let i = 0; i < RUNS + 1; i++) {
      const out = path.join(dir, `${name}.mp4`);
      // cat feeds the thumbnails on stdin, as the monitor streams them; `times` gives the children's CPU.
      const args = ['-nostats', ...clipFfmpegArgs(CLIP_FPS, out)];
      const run = spawnSync(
        'bash',
        ['-c', 'n=$1; shift; cat "${@:1:n}" | ffmpeg "${@:n+1}" >/dev/null; times', 'bench', String(files.length), ...files, ...args],
        {
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) throw new Error(run.stderr);
      const [user, sys] = run.stdout
        .trim()
        .split('\n')
        .at(-1)
        .split(/\s+/)
        .map((t) => {
          const m = /^(\d+)m([\d.]+)s$/.exec(t);
          return Number(m[1]) * 60 + Number(m[2]);
        });
      if (i > 0) cpu.push((user + sys) * 1000);
      bytes = statSync(out).size;
    }
    figure(`clip cpu (${name})`, median(cpu), 'ms', undefined, `${CLIP_MAX_FRAMES} frames 320x180, median of ${RUNS}, incl. cat`);
    figure(`clip size (${name})`, bytes / 1024, 'KB');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
