// Example outputs in docs/ and README.md are made by running vpt, never typed (issue 28). A fenced
// block right after a line `<!-- example: ID -->` holds what recipe ID prints: the built bin/vpt run
// on fixtures made in a temp folder (a generated capture, a fake /proc and health logs, a fake root,
// a fake tmp dir), TZ=UTC, the capture's clock fixed, the temp folder shown as /tmp/doc-demo and a
// fake root's paths as the system's (scripts/docs-examples/run.mjs).
//   node scripts/docs-examples.mjs          rewrite the blocks
//   node scripts/docs-examples.mjs --check  exit 1 naming each block that differs
//   add --only ID,ID to run only those recipes
// The check compares after masking what changes from run to run (analysis speed, RSS, pids, the
// wall clock, the disk this runs on): every other figure must be what the program prints today.
// test/docs/docs-examples.test.ts runs the check. Needs `npm run build` and ffmpeg.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRecipes } from './docs-examples/host-recipes.mjs';
import { investigateRecipes } from './docs-examples/investigate-recipes.mjs';
import { monitorRecipes } from './docs-examples/monitor-recipes.mjs';
import { restartRecipes, restartScenario } from './docs-examples/restart-recipes.mjs';
import { REPO } from './docs-examples/run.mjs';
import { statusRecipes, statusScenario } from './docs-examples/status-recipes.mjs';

const MARKER = /^<!-- example: ([a-z0-9-]+) -->$/;

/**
 * Each recipe prints a block's content; `volatile` masks what differs from run to run, `unordered`
 * compares lines as a set, `aligned` lets table columns change width. Recipes run one after another in this order (a later one may read what an
 * earlier one left, as incidents-prune after incidents-show).
 */
const RECIPES = { ...monitorRecipes, ...statusRecipes, ...restartRecipes, ...investigateRecipes, ...hostRecipes };

/** Every recipe's id: each must be used by a block (a lost marker otherwise goes unnoticed). */
export const recipeIds = () => Object.keys(RECIPES);

/**
 * Where the figures a run cannot repeat stand, so a check compares the rest. `aligned`: runs of
 * spaces count as one (a table's columns are as wide as the figures in them).
 */
/** Masked in every recipe: a clip's encoding time (the machine's speed) and the recipes' own temp folder. */
const ALWAYS_VOLATILE = [/(KB, )\d+ ms\)/g, /\/tmp\/vpt-docs-[A-Za-z0-9]+/g];

function masked(text, { volatile, unordered, aligned }) {
  const marked = [...volatile, ...ALWAYS_VOLATILE].reduce((t, re) => t.replace(re, (m, keep) => `${typeof keep === 'string' ? keep : ''}<varies>`), text);
  const lines = (aligned ? marked.replace(/ {2,}/g, ' ') : marked).trimEnd().split('\n');
  return (unordered ? lines.sort() : lines).join('\n');
}

/** The files whose examples are generated: README.md and docs/*.md, as paths from the repository. */
async function documents() {
  return [
    'README.md',
    ...(await readdir(path.join(REPO, 'docs')))
      .filter((n) => n.endsWith('.md'))
      .sort()
      .map((n) => `docs/${n}`),
  ];
}

/** Every `<!-- example: ID -->` block (of the ids in `only`, when given): file, id, the line range of its body. */
export async function exampleBlocks(only) {
  const blocks = [];
  for (const file of await documents()) {
    const lines = (await readFile(path.join(REPO, file), 'utf8')).split('\n');
    lines.forEach((line, i) => {
      const id = MARKER.exec(line)?.[1];
      if (id === undefined) return;
      if (!/^```/.test(lines[i + 1] ?? '')) throw new Error(`${file}:${i + 1}: "${line}" is not followed by a fenced block`);
      const end = lines.findIndex((l, j) => j > i + 1 && /^```\s*$/.test(l));
      if (end < 0) throw new Error(`${file}:${i + 2}: the example's block is never closed`);
      if (!RECIPES[id]) throw new Error(`${file}:${i + 1}: no recipe "${id}" in scripts/docs-examples`);
      if (!only || only.includes(id)) blocks.push({ file, id, from: i + 2, to: end, body: lines.slice(i + 2, end).join('\n') });
    });
  }
  return blocks;
}

/** Run every recipe the docs use once, in one temp folder. */
async function produce(ids) {
  const dir = await mkdtemp(path.join(tmpdir(), 'vpt-docs-'));
  const ctx = { dir };
  try {
    // The live scenarios on the wall clock mostly wait (stalls, heartbeats): they run beside the others.
    const background = [
      [statusRecipes, statusScenario],
      [restartRecipes, restartScenario],
    ].map(([recipes, scenario]) => ([...ids].some((id) => id in recipes) ? scenario(ctx) : undefined));
    for (const b of background) b?.catch(() => {});
    const out = new Map();
    for (const id of Object.keys(RECIPES)) {
      if (!ids.has(id)) continue;
      const text = String(await RECIPES[id].run(ctx)).trimEnd();
      // A recipe that printed nothing (or a missing stream's "undefined") would make a check that cannot fail.
      if (text === '' || /^undefined$/m.test(text)) throw new Error(`docs example "${id}": its recipe printed ${JSON.stringify(text)}`);
      out.set(id, text);
    }
    await Promise.all(background);
    return out;
  } finally {
    // A monitor that failed mid-run may still be finishing its last writes: rm retries.
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The blocks whose content is not what their recipe prints now: [{ where, expected, actual }]. */
export async function checkExamples(only) {
  const blocks = await exampleBlocks(only);
  const produced = await produce(new Set(blocks.map((b) => b.id)));
  return blocks
    .map((b) => ({
      where: `${b.file}:${b.from}`,
      expected: masked(produced.get(b.id), RECIPES[b.id]),
      actual: masked(b.body, RECIPES[b.id]),
    }))
    .filter((d) => d.expected !== d.actual);
}

async function rewrite(only) {
  const blocks = await exampleBlocks(only);
  const produced = await produce(new Set(blocks.map((b) => b.id)));
  for (const file of new Set(blocks.map((b) => b.file))) {
    const full = path.join(REPO, file);
    const lines = (await readFile(full, 'utf8')).split('\n');
    // Bottom-up, so earlier blocks' line numbers stay right.
    for (const b of blocks.filter((x) => x.file === file).reverse()) lines.splice(b.from, b.to - b.from, ...produced.get(b.id).split('\n'));
    await writeFile(full, lines.join('\n'));
    console.log(`rewrote ${blocks.filter((x) => x.file === file).length} example(s) in ${file}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--only');
  const only = at > 0 ? process.argv[at + 1]?.split(',') : undefined;
  if (process.argv.includes('--check')) {
    const differing = await checkExamples(only);
    for (const d of differing) console.error(`${d.where}: differs from what vpt prints now\n--- docs\n${d.actual}\n+++ vpt\n${d.expected}`);
    process.exitCode = differing.length > 0 ? 1 : 0;
  } else {
    await rewrite(only);
  }
}
