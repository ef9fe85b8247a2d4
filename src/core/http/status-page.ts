import type { IncidentJson, StatusJson } from './status-api.js';
import { PAGE_SCRIPT } from './status-page-script.js';

/**
 * The status page: server-rendered, so it shows the state without script;
 * the inline script then refreshes it in place every 2 s. The card and the
 * incident row are written once here, as templates the script clones, so
 * the markup has one home. No outside assets: farms are offline.
 */

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** The badges a device shows, from its snapshot states; the script has the same list. */
function badgeLabels(states: StatusJson['devices'][number]['states']): string[] {
  const out: string[] = [];
  if (states.stalled) out.push('stalled');
  if (states.black) out.push('black');
  if (states.frozen) out.push('frozen');
  if (states.audio === 'lost') out.push('audio lost');
  if (states.audio === 'stalled') out.push('audio stalled');
  return out;
}
const age = (ms: number | null): string | null => (ms === null ? null : (ms / 1000).toFixed(1));

function card(d: StatusJson['devices'][number] | undefined): string {
  const labels = d ? badgeLabels(d.states) : [];
  const badges = d ? labels.map((l) => `<span class="badge bad">${l}</span>`).join('') || '<span class="badge ok">ok</span>' : '';
  const v = (x: unknown): string => (d && x !== null && x !== undefined ? esc(String(x)) : '-');
  return `<article class="card" data-device="${d ? esc(d.device) : ''}">
<h3 data-f="device">${d ? esc(d.device) : ''}</h3>
<img data-f="thumb" width="320" height="180" alt="latest frame"${d?.thumbnail_url ? ` src="${esc(d.thumbnail_url)}"` : ''}>
<div data-f="badges" class="badges" data-key="${labels.join(',') || 'ok'}">${badges}</div>
<dl><dt>last frame</dt><dd><span data-f="age">${v(age(d?.last_frame_age_ms ?? null))}</span> s ago (#<span data-f="seq">${v(d?.last_sequence)}</span>)</dd>
<dt>fps</dt><dd data-f="fps">${v(d?.fps)}</dd><dt>analysed</dt><dd data-f="analysed">${v(d?.frames_analysed)}</dd>
<dt>dropped</dt><dd data-f="dropped">${v(d?.frames_dropped)}</dd><dt>bad</dt><dd data-f="bad">${v(d?.frames_bad)}</dd></dl>
</article>`;
}

function row(i: IncidentJson | undefined): string {
  const dur = i ? `${Math.round(i.duration_ms / 1000)} s${i.status === 'open' ? ' (ongoing)' : ''}` : '';
  const thumbs = i
    ? i.thumbnails.map((t) => `<img src="${esc(t.url)}" width="160" height="90" alt="frame ${t.sequence}" title="frame ${t.sequence}">`).join('')
    : '';
  return `<tr class="incident" ${i ? `id="incident-${i.id}" ` : ''}data-id="${i ? i.id : ''}"><td data-f="id">${i ? `#${i.id}` : ''}</td><td data-f="device">${i ? esc(i.device) : ''}</td>
<td data-f="type">${i ? esc(i.type) : ''}</td><td data-f="started">${i ? esc(i.event_start) : ''}</td>
<td data-f="duration">${i ? dur : ''}</td><td data-f="evidence" class="evidence">${thumbs}</td></tr>`;
}

function table(id: string, title: string, rows: IncidentJson[]): string {
  return `<section><h2>${title}</h2><table><thead><tr><th>#</th><th>device</th><th>type</th><th>started</th><th>duration</th><th>evidence (before / first / last)</th></tr></thead>
<tbody id="${id}">${rows.map(row).join('')}</tbody></table></section>`;
}

const CSS = `body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:12px;background:#f4f4f4;color:#222}
h1{font-size:20px;margin:0 0 8px}h2{font-size:17px;margin:18px 0 6px}
#devices{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}
.card{background:#fff;border-radius:6px;padding:8px;box-shadow:0 1px 2px #0002}.card h3{margin:0 0 6px;font-size:16px}
.card img{width:100%;height:auto;aspect-ratio:16/9;background:#ddd;display:block}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:6px 0 0}dt{color:#666}dd{margin:0}
.badge{display:inline-block;border-radius:4px;padding:1px 7px;margin:5px 4px 0 0;font-size:13px;color:#fff}
.badge.bad{background:#c62828}.badge.ok{background:#2e7d32}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #ddd;vertical-align:top}
.evidence img{width:128px;height:72px;margin-right:3px;background:#ddd}
#meta{color:#666;font-size:13px}
@media (max-width:600px){th:nth-child(4),td:nth-child(4){display:none}.evidence img{width:88px;height:50px}}`;

export function renderStatusPage(status: StatusJson, incidents: { open: IncidentJson[]; resolved: IncidentJson[] }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>vpt monitor on ${esc(status.host)}</title><style>${CSS}</style></head>
<body><h1>vpt monitor on ${esc(status.host)}</h1>
<div id="meta">vpt ${esc(status.vpt_version)}, pid ${status.pid}, <span id="updated">${esc(status.written_at)}</span></div>
<section id="devices">${status.devices.map(card).join('')}</section>
${table('open', 'Open incidents', incidents.open)}
${table('resolved', 'Last 50 resolved', incidents.resolved)}
<template id="card-tpl">${card(undefined)}</template><template id="row-tpl"><table><tbody>${row(undefined)}</tbody></table></template>
<script>${PAGE_SCRIPT}</script></body></html>`;
}
