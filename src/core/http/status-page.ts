import type { IncidentJson, StatusJson } from './status-api.js';
import { PAGE_SCRIPT } from './status-page-script.js';
import { PAGE_CSS } from './status-page-style.js';

/**
 * The status page: server-rendered, so it shows the state without script;
 * the inline script then refreshes it in place every 2 s, puts times in the
 * browser's zone with their age, and keeps devices in trouble first. The card
 * and the incident row are written once here, as templates the script
 * clones, so the markup has one home. No outside assets: farms are offline.
 */

type Device = StatusJson['devices'][number];
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The badges a device shows, from its snapshot states; the script has the same list. */
function badgeLabels(states: Device['states']): string[] {
  const out: string[] = [];
  if (states.stalled) out.push('stalled');
  if (states.black) out.push('black');
  if (states.frozen) out.push('frozen');
  if (states.audio === 'lost') out.push('audio lost');
  if (states.audio === 'stalled') out.push('audio stalled');
  return out;
}

/** Devices in trouble first, in the snapshot's order otherwise (the script sorts the same way). */
function troubleFirst(devices: Device[]): Device[] {
  return [...devices].sort((a, b) => Number(badgeLabels(b.states).length > 0) - Number(badgeLabels(a.states).length > 0));
}

/** A time the script shows in the browser's zone with its age; the ISO form stays in the tooltip. */
const time = (f: string, iso: string | null): string =>
  `<time data-f="${f}"${iso ? ` datetime="${esc(iso)}" title="${esc(iso)}"` : ''}>${iso ? esc(iso) : '-'}</time>`;

const pictured = (d: Device): number | null => d.analysed_sequence ?? d.last_sequence ?? null;

function frameAlt(d: Device): string {
  const labels = badgeLabels(d.states);
  return `Frame ${pictured(d)} of ${d.device}: ${labels.length ? labels.join(', ') : 'no problem seen'}`;
}

function card(d: Device | undefined): string {
  const labels = d ? badgeLabels(d.states) : [];
  const none = d !== undefined && d.last_sequence === null;
  const fallback = none ? '<span class="badge wait">no frame yet</span>' : '<span class="badge ok">ok</span>';
  const badges = d ? labels.map((l) => `<span class="badge bad">${l}</span>`).join('') || fallback : '';
  const v = (x: unknown): string => (d && x !== null && x !== undefined ? esc(String(x)) : '-');
  const src = d?.thumbnail_url ? ` src="${esc(d.thumbnail_url)}" alt="${esc(frameAlt(d))}"` : ' alt="" hidden';
  return `<article class="card${labels.length ? ' trouble' : ''}" data-device="${d ? esc(d.device) : ''}">
<h3><span data-f="device">${d ? esc(d.device) : ''}</span><span class="attention">needs attention</span></h3>
<div class="pic"><img data-f="thumb" width="320" height="180"${src}><div class="waiting" data-f="waiting"${d?.thumbnail_url ? ' hidden' : ''}>waiting for the first frame</div></div>
<div data-f="badges" class="badges" data-key="${labels.join(',') || (none ? 'wait' : 'ok')}">${badges}</div>
<dl><dt>picture</dt><dd>frame #<span data-f="seq">${v(d ? pictured(d) : null)}</span></dd>
<dt>last frame</dt><dd data-f="age">${d?.last_frame_age_ms === null || !d ? 'none yet' : `${(d.last_frame_age_ms / 1000).toFixed(1)} s ago`}</dd>
<dt>fps</dt><dd data-f="fps">${v(d?.fps)}</dd><dt>analysed</dt><dd data-f="analysed">${v(d?.frames_analysed)}</dd>
<dt>dropped</dt><dd data-f="dropped">${v(d?.frames_dropped)}</dd><dt>bad</dt><dd data-f="bad">${v(d?.frames_bad)}</dd></dl>
</article>`;
}

const duration = (i: IncidentJson): string => `${Math.round(i.duration_ms / 1000)} s${i.status === 'open' ? ' so far' : ''}`;
const EVIDENCE_NAMES = ['frame before', 'first frame', 'last frame'];

function row(i: IncidentJson | undefined): string {
  const thumbs = i
    ? i.thumbnails
        .map(
          (t, n) =>
            `<img src="${esc(t.url)}" width="160" height="90" alt="${esc(`${i.device} ${i.type} #${i.id}: ${EVIDENCE_NAMES[n] ?? 'frame'} (${t.sequence})`)}" title="frame ${t.sequence}">`,
        )
        .join('')
    : '';
  const clips = i ? i.clips.map((c) => clipFigure(i, c)).join('') : '';
  return `<tr class="incident" ${i ? `id="incident-${i.id}" ` : ''}data-id="${i ? i.id : ''}"><td data-f="id" data-label="incident">${i ? `#${i.id}` : ''}</td>
<td data-f="device" data-label="device">${i ? esc(i.device) : ''}</td><td data-f="type" data-label="type">${i ? esc(i.type) : ''}</td>
<td data-label="started">${time('started', i?.event_start ?? null)}</td><td data-f="duration" data-label="duration">${i ? duration(i) : ''}</td>
<td data-f="evidence" class="evidence">${thumbs}</td><td data-f="clips" class="clips" data-key="${i ? i.clips.map((c) => c.phase).join(',') : ''}">${clips}</td></tr>`;
}

function clipFigure(i: IncidentJson, c: IncidentJson['clips'][number]): string {
  const label = `Clip of incident #${i.id} (${i.device} ${i.type}), ${c.phase === 'start' ? '10 s either side of its start' : '10 s either side of its end'}`;
  // preload none: a clip's bytes are fetched when it is played, not for every row of every refresh.
  const poster = i.thumbnails[c.phase === 'start' ? 1 : 2] ?? i.thumbnails[0];
  return `<figure><video src="${esc(c.url)}"${poster ? ` poster="${esc(poster.url)}"` : ''} controls muted playsinline preload="none" aria-label="${esc(label)}"></video><figcaption>${c.phase} clip</figcaption></figure>`;
}

function table(id: string, title: string, empty: string, rows: IncidentJson[]): string {
  return `<section aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>
<p class="empty" data-empty="${id}"${rows.length ? ' hidden' : ''}>${empty}</p>
<table data-table="${id}"${rows.length ? '' : ' hidden'}><thead><tr><th>#</th><th>device</th><th>type</th><th>started</th><th>duration</th><th>evidence (before / first / last)</th><th>clip</th></tr></thead>
<tbody id="${id}">${rows.map(row).join('')}</tbody></table></section>`;
}

function summary(status: StatusJson, open: number): { text: string; bad: boolean } {
  const trouble = status.devices.filter((d) => badgeLabels(d.states).length > 0).length;
  const incidents = open === 0 ? 'No open incidents' : `${open} open incident${open === 1 ? '' : 's'}`;
  const devices = trouble === 0 ? `all ${status.devices.length} devices fine` : `${trouble} of ${status.devices.length} devices need attention`;
  return { text: `${incidents}; ${devices}`, bad: open > 0 || trouble > 0 };
}

/** The title carries the open count, so a background tab shows trouble (the favicon too). */
export const pageTitle = (host: string, open: number): string => `${open > 0 ? `(${open}) ` : ''}vpt monitor on ${host}`;

export function renderStatusPage(status: StatusJson, incidents: { open: IncidentJson[]; resolved: IncidentJson[] }): string {
  const open = incidents.open.length;
  const s = summary(status, open);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(pageTitle(status.host, open))}</title><link rel="icon" type="image/svg+xml" href="/favicon.svg?n=${open}"><style>${PAGE_CSS}</style></head>
<body data-host="${esc(status.host)}" data-now="${esc(status.written_at)}"><header><h1>vpt monitor on ${esc(status.host)}</h1>
<p id="summary" role="status"${s.bad ? ' class="bad"' : ''}>${esc(s.text)}</p>
<div id="meta">vpt ${esc(status.vpt_version)}, pid ${status.pid}, updated <span id="updated">${time('written', status.written_at)}</span><span id="conn" role="alert"></span></div></header>
<section aria-labelledby="devices-h"><h2 id="devices-h">Devices</h2>
<p class="empty" data-empty="devices"${status.devices.length ? ' hidden' : ''}>No devices are monitored.</p>
<div id="devices">${troubleFirst(status.devices).map(card).join('')}</div></section>
${table('open', 'Open incidents', 'No open incidents.', incidents.open)}
${table('resolved', 'Last 50 resolved', 'No resolved incidents yet.', incidents.resolved)}
<template id="card-tpl">${card(undefined)}</template><template id="row-tpl"><table><tbody>${row(undefined)}</tbody></table></template>
<script>${PAGE_SCRIPT}</script></body></html>`;
}
