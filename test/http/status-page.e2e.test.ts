/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/core/http/free-port.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir, REPO_ROOT, runVpt } from '../helpers/run-vpt.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 26 on the real binary and Debian's chromium: a device goes black
 * beside a healthy one and one that never sent a frame. The card in trouble
 * comes first and says so; the title and favicon carry the open count; the
 * incident's clip is made by ffmpeg and plays inline; times are local with
 * their age; nothing is wider than a 390 px (or 360 px) screen; text
 * contrast passes WCAG AA and every picture has a text alternative.
 * `vpt incidents show` names the clip, the webhook links to it under
 * --public-url. Screenshots go to the test's temp folder, or to docs/ with
 * VPT_UPDATE_SCREENSHOT=1 (a run does not rewrite the repository's files).
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PUBLIC_URL = 'http://farm-host-3.example:8080/vpt/';
let root: string;
let cleanup: () => Promise<void>;
let m: MonitorProcess | undefined;
const hook = new WebhookReceiver();

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-page-e2e-'));
  await Promise.all([
    generateCapture(path.join(root, 'src1'), [
      { kind: 'moving', seconds: 4 },
      { kind: 'black', seconds: 10 },
      { kind: 'moving', seconds: 14 },
    ]),
    generateCapture(path.join(root, 'src2'), [{ kind: 'moving', seconds: 28 }]),
  ]);
  await hook.up();
}, 180_000);

afterAll(async () => {
  if (m && m.child.exitCode === null) m.child.kill('SIGKILL');
  await m?.child;
  await hook.down();
  await cleanup();
});

const screenshot = (name: string) => (process.env.VPT_UPDATE_SCREENSHOT === '1' ? path.join(REPO_ROOT, 'docs', name) : path.join(root, name));

/** Elements wider than the viewport or reaching past its right edge, and whether the page scrolls sideways. */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
    return { wide, scrolls: document.documentElement.scrollWidth > width };
  });
}

/** WCAG 2 contrast of every visible text against the first opaque background behind it; the pairs under 4.5:1. */
function lowContrast(page: Page) {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! >= 1)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const low: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (!n.textContent?.trim() || el.closest('script,template,style') || el.getClientRects().length === 0) continue;
      const fg = lum(rgb(getComputedStyle(el).color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) low.push(`${n.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
    }
    return low;
  });
}

describe('the status page an operator keeps open all day', () => {
  it('trouble first, counts in the title and favicon, a clip that plays, local times, 390 px without sideways scroll, AA contrast', async () => {
    const stream = path.join(root, 'stream');
    for (const d of ['capture1', 'capture2', 'capture3']) await mkdir(path.join(stream, d, 'hot', 'captures'), { recursive: true });
    const state = path.join(root, 'state');
    const port = await freePort();
    m = startMonitor(
      [
        '--stream-root',
        stream,
        '--state-dir',
        state,
        '--devices',
        'capture1,capture2,capture3',
        '--no-audio',
        '--min-event',
        '2s',
        '--incident-delay',
        '3s',
        '--stall-after',
        '10m',
        '--listen',
        `127.0.0.1:${port}`,
        '--public-url',
        PUBLIC_URL,
        '--webhook',
        hook.url,
      ],
      { TMPDIR: root },
    );
    await m.waitForStderr(/^monitoring capture1, capture2, capture3 under /);
    const analysed = () => m!.events.filter((e) => e.event === 'frame' && e.device === 'capture2').length;
    const feed = (range: { from?: number; to?: number }) =>
      Promise.all([
        feedFrames(path.join(root, 'src1'), path.join(stream, 'capture2', 'hot'), { rate: 10, ...range, ahead: { analysed, max: 20 } }),
        feedFrames(path.join(root, 'src2'), path.join(stream, 'capture1', 'hot'), { rate: 10, ...range }),
      ]);
    // capture2 goes black (frames 20-69) while capture1 moves; fed past the incident delay.
    await feed({ to: 62 });
    const opened = await m.waitForEvent((e) => e.event === 'incident_opened' && e.device === 'capture2', 'the blackscreen incident');
    const id = opened.incident_id as number;
    await m.waitForStderr(new RegExp(`^\\[capture2\\] incident #${id}: start clip of \\d+ frames \\(\\d+ KB, \\d+ ms\\): `), 60_000);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/`);
      // The device in trouble (capture2) comes before capture1 and says so (not by colour alone).
      await page.waitForFunction(() => document.querySelector('#devices .card')?.getAttribute('data-device') === 'capture2');
      expect(await page.$eval('#devices .card', (c) => c.classList.contains('trouble'))).toBe(true);
      expect(await page.isVisible('.card[data-device="capture2"] .attention')).toBe(true);
      expect(await page.isVisible('.card[data-device="capture1"] .attention')).toBe(false);
      // Its picture and its badge are one frame: the picture's number is the frame the states come from.
      const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as {
        devices: { device: string; analysed_sequence: number | null; thumbnail_url: string | null }[];
      };
      const black = status.devices.find((d) => d.device === 'capture2')!;
      expect(black.thumbnail_url).toBe(`/img/device/capture2/${black.analysed_sequence}`);
      // A device with no frame yet: words, no broken image.
      expect(await page.textContent('.card[data-device="capture3"] .waiting')).toBe('waiting for the first frame');
      expect(await page.isVisible('.card[data-device="capture3"] img')).toBe(false);
      // The count of open incidents in the title and the favicon.
      await page.waitForFunction(() => document.title.startsWith('(1) vpt monitor on '));
      expect(await page.getAttribute('link[rel="icon"]', 'href')).toBe('/favicon.svg?n=1');
      expect(await (await fetch(`http://127.0.0.1:${port}/favicon.svg?n=1`)).text()).toMatch(/<text [^>]*>1<\/text>/);
      // The clip plays inline.
      const video = `#incident-${id} video`;
      await page.waitForSelector(video, { timeout: 15_000 });
      // Nothing of it is fetched until it is played (preload none); then it plays.
      expect(await page.$eval(video, (v) => (v as HTMLVideoElement).readyState)).toBe(0);
      await page.$eval(video, (v) => (v as HTMLVideoElement).play());
      await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLVideoElement).readyState >= 2, video, { timeout: 15_000 });
      await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLVideoElement).currentTime > 0.5, video, { timeout: 15_000 });
      expect(await page.$eval(video, (v) => (v as HTMLVideoElement).videoWidth)).toBe(320);
      // Local times with their age; the ISO form in the tooltip.
      const started = await page.$eval(`#incident-${id} time`, (t) => ({ text: t.textContent ?? '', title: t.getAttribute('title') ?? '' }));
      expect(started.text).toMatch(/^\d\d:\d\d:\d\d \((just now|\d+ s ago|\d+ min ago)\)$/);
      expect(started.title).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // Text alternatives and contrast.
      expect(await page.$$eval('img:not([hidden])', (imgs) => imgs.filter((i) => !(i as HTMLImageElement).alt.trim()).length)).toBe(0);
      expect(await page.$$eval('video', (vs) => vs.every((v) => (v.getAttribute('aria-label') ?? '').includes('Clip of incident')))).toBe(true);
      expect(await lowContrast(page)).toEqual([]);
      await page.screenshot({ path: screenshot('status-page.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await overflow(page)).toEqual({ wide: [], scrolls: false });
      expect(await lowContrast(page)).toEqual([]);

      // The episode ends: the incident resolves, its row goes to the resolved table with an end clip.
      await feed({ from: 62 });
      await m.waitForEvent((e) => e.event === 'incident_resolved' && e.incident_id === id, 'the resolution');
      await m.waitForStderr(new RegExp(`^\\[capture2\\] incident #${id}: end clip of `), 60_000);
      await page.waitForSelector(`#resolved #incident-${id} figure:nth-child(2) video`, { timeout: 15_000 });
      await page.waitForFunction(() => document.title.startsWith('vpt monitor on '));
      expect(await page.getAttribute('link[rel="icon"]', 'href')).toBe('/favicon.svg?n=0');
      expect(await page.isVisible('[data-empty="open"]')).toBe(true);
      expect(await page.textContent('[data-empty="open"]')).toBe('No open incidents.');
      // Back in the snapshot's order once nothing is wrong.
      await page.waitForFunction(() => document.querySelector('#devices .card')?.getAttribute('data-device') === 'capture1');
      expect(await page.$$eval('#devices .card.trouble', (cards) => cards.length)).toBe(0);
      await page.waitForFunction(() => Array.from(document.images).every((i) => i.hidden || (i.complete && i.naturalWidth > 0)));
      for (const width of [390, 360]) {
        await page.setViewportSize({ width, height: 844 });
        expect(await overflow(page), `at ${width} px`).toEqual({ wide: [], scrolls: false });
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: screenshot('status-page-390.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // `vpt incidents show` names both clips; the webhook's payloads link to the incident and its clips on the public URL.
    const show = await runVpt(['incidents', 'show', String(id), '--state-dir', state]);
    expect(show.stdout).toMatch(
      new RegExp(`^  clip {9}start ${stream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/capture2/clips/incident_${id}_start\\.mp4$`, 'm'),
    );
    expect(show.stdout).toMatch(/^ {2}clip {9}end {3}\S+incident_\d+_end\.mp4$/m);
    const payloads = hook.received.map((r) => r.body).filter((b) => b.id === id);
    expect(payloads.find((b) => b.event === 'incident_opened')).toMatchObject({
      incident_url: `${PUBLIC_URL}#incident-${id}`,
      clip_urls: [`${PUBLIC_URL}clips/incident/${id}/start.mp4`],
    });
    m.child.kill('SIGTERM');
    expect((await m.child).exitCode).toBe(0);
  }, 300_000);
});
