/**
 * The page's inline script: every REFRESH_MS it fetches /api/status and
 * /api/incidents and updates the DOM in place (no innerHTML of the whole
 * page, so nothing flickers). A card's picture, frame number and badges
 * change together, once the new picture has loaded: they describe one
 * analysed frame. Times show in the browser's zone with their age on the
 * monitor's clock (its snapshot time), the ISO form in the tooltip.
 */
const PAGE_REFRESH_MS = 2_000;

export const PAGE_SCRIPT = `(() => {
const REFRESH_MS = ${PAGE_REFRESH_MS};
const labels = (s) => [s.stalled && 'stalled', s.black && 'black', s.frozen && 'frozen', s.audio === 'lost' && 'audio lost', s.audio === 'stalled' && 'audio stalled'].filter(Boolean);
const $ = (id) => document.getElementById(id);
const empty = (id) => document.querySelector('[data-empty="' + id + '"]');
const tpl = (id) => $(id).content.querySelector(id === 'card-tpl' ? '.card' : 'tr');
const field = (el, f) => el.querySelector('[data-f="' + f + '"]');
const text = (el, f, v) => { const n = field(el, f); const s = v === null || v === undefined ? '-' : String(v); if (n.textContent !== s) n.textContent = s; };
const host = document.body.dataset.host;
let hostNow = Date.parse(document.body.dataset.now);
const pad = (n) => String(n).padStart(2, '0');
function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 90) return s + ' s ago';
  const m = Math.round(s / 60);
  if (m < 90) return m + ' min ago';
  const h = Math.round(m / 60);
  return h < 36 ? h + ' h ago' : Math.round(h / 24) + ' d ago';
}
function local(iso) {
  const d = new Date(iso);
  const t = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  return d.toDateString() === new Date(hostNow).toDateString() ? t : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + t;
}
function setTime(el, iso) {
  if (!iso) { if (el.textContent !== '-') el.textContent = '-'; return; }
  if (el.dateTime !== iso) { el.dateTime = iso; el.title = iso; }
  const s = local(iso) + ' (' + ago(hostNow - Date.parse(iso)) + ')';
  if (el.textContent !== s) el.textContent = s;
}
const trouble = (d) => labels(d.states).length > 0;
function badges(card, states, none) {
  const on = labels(states);
  card.classList.toggle('trouble', on.length > 0);
  const fallback = none ? 'no frame yet' : 'ok';
  const key = on.join(',') || (none ? 'wait' : 'ok');
  const box = field(card, 'badges');
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...(on.length ? on : [fallback]).map((label) => {
    const b = document.createElement('span');
    b.className = 'badge ' + (on.length ? 'bad' : none ? 'wait' : 'ok');
    b.textContent = label;
    return b;
  }));
}
function picture(card, d) {
  const img = field(card, 'thumb');
  const wait = field(card, 'waiting');
  const seq = d.analysed_sequence ?? d.last_sequence;
  if (!d.thumbnail_url) {
    img.hidden = true; wait.hidden = false; wait.textContent = 'waiting for the first frame';
    text(card, 'seq', null); badges(card, d.states, d.last_sequence === null);
    return;
  }
  // The same frame: its states may still change (a stall needs no new frame).
  if (img.dataset.src === d.thumbnail_url) { badges(card, d.states); return; }
  const url = d.thumbnail_url;
  img.dataset.src = url;
  const alt = 'Frame ' + seq + ' of ' + d.device + ': ' + (labels(d.states).join(', ') || 'no problem seen');
  const next = new Image();
  const show = (ok) => {
    if (img.dataset.src !== url) return;
    if (ok) { img.src = url; img.alt = alt; img.hidden = false; wait.hidden = true; }
    else { img.hidden = true; wait.hidden = false; wait.textContent = 'the picture of frame #' + seq + ' is no longer there'; }
    text(card, 'seq', seq); badges(card, d.states);
  };
  next.onload = () => show(true);
  next.onerror = () => show(false);
  next.src = url;
}
function updateDevices(devices) {
  const box = $('devices');
  const have = new Map([...box.querySelectorAll('.card')].map((c) => [c.dataset.device, c]));
  const keep = new Set();
  for (const d of [...devices.filter(trouble), ...devices.filter((d) => !trouble(d))]) {
    let c = have.get(d.device);
    if (!c) { c = tpl('card-tpl').cloneNode(true); c.dataset.device = d.device; }
    keep.add(d.device);
    text(c, 'device', d.device);
    text(c, 'age', d.last_frame_age_ms === null ? 'none yet' : (d.last_frame_age_ms / 1000).toFixed(1) + ' s ago');
    text(c, 'fps', d.fps); text(c, 'analysed', d.frames_analysed); text(c, 'dropped', d.frames_dropped); text(c, 'bad', d.frames_bad);
    picture(c, d);
    box.appendChild(c); // in trouble-first order; moving a card does not reload its picture
  }
  for (const [name, c] of have) if (!keep.has(name)) c.remove();
  empty('devices').hidden = devices.length > 0;
}
const EVIDENCE = ['frame before', 'first frame', 'last frame'];
function media(i) {
  return i.clips.map((c) => {
    const f = document.createElement('figure');
    const v = document.createElement('video');
    const poster = i.thumbnails[c.phase === 'start' ? 1 : 2] || i.thumbnails[0];
    v.src = c.url; v.controls = true; v.muted = true; v.playsInline = true; v.preload = 'none';
    if (poster) v.poster = poster.url;
    v.setAttribute('aria-label', 'Clip of incident #' + i.id + ' (' + i.device + ' ' + i.type + '), 10 s either side of its ' + c.phase);
    const cap = document.createElement('figcaption');
    cap.textContent = c.phase + ' clip';
    f.append(v, cap);
    return f;
  });
}
function updateRows(id, incidents) {
  const body = $(id);
  const have = new Map([...body.querySelectorAll('tr')].map((r) => [r.dataset.id, r]));
  const keep = new Set();
  for (const i of incidents) {
    const key = String(i.id);
    keep.add(key);
    let r = have.get(key);
    if (!r) { r = tpl('row-tpl').cloneNode(true); r.dataset.id = key; r.id = 'incident-' + key; }
    text(r, 'id', '#' + i.id); text(r, 'device', i.device); text(r, 'type', i.type);
    setTime(field(r, 'started'), i.event_start);
    text(r, 'duration', Math.round(i.duration_ms / 1000) + ' s' + (i.status === 'open' ? ' so far' : ''));
    const ev = field(r, 'evidence');
    if (ev.children.length !== i.thumbnails.length) {
      ev.replaceChildren(...i.thumbnails.map((t, n) => {
        const img = document.createElement('img');
        img.width = 160; img.height = 90; img.title = 'frame ' + t.sequence; img.src = t.url;
        img.alt = i.device + ' ' + i.type + ' #' + i.id + ': ' + (EVIDENCE[n] || 'frame') + ' (' + t.sequence + ')';
        return img;
      }));
    }
    const clips = field(r, 'clips');
    const phases = i.clips.map((c) => c.phase).join(',');
    if (clips.dataset.key !== phases) { clips.dataset.key = phases; clips.replaceChildren(...media(i)); }
    body.appendChild(r); // in the API's order; moving a row does not reload its images
  }
  for (const [key, r] of have) if (!keep.has(key)) r.remove();
  empty(id).hidden = incidents.length > 0;
  document.querySelector('[data-table="' + id + '"]').hidden = incidents.length === 0;
}
function counts(devices, open) {
  document.title = (open > 0 ? '(' + open + ') ' : '') + 'vpt monitor on ' + host;
  const icon = document.querySelector('link[rel="icon"]');
  const href = '/favicon.svg?n=' + open;
  if (icon.getAttribute('href') !== href) icon.setAttribute('href', href);
  const t = devices.filter(trouble).length;
  const s = $('summary');
  s.textContent = (open === 0 ? 'No open incidents' : open + ' open incident' + (open === 1 ? '' : 's')) + '; ' +
    (t === 0 ? 'all ' + devices.length + ' devices fine' : t + ' of ' + devices.length + ' devices need attention');
  s.classList.toggle('bad', open > 0 || t > 0);
}
async function refresh() {
  try {
    const [s, i] = await Promise.all(['/api/status', '/api/incidents'].map((u) => fetch(u, { cache: 'no-store' }).then((r) => r.json())));
    hostNow = Date.parse(s.written_at);
    updateDevices(s.devices);
    updateRows('open', i.open);
    updateRows('resolved', i.resolved);
    counts(s.devices, i.open.length);
    setTime(field($('updated'), 'written'), s.written_at);
    for (const t of document.querySelectorAll('#resolved time[datetime]')) setTime(t, t.dateTime);
    $('conn').textContent = '';
  } catch (e) {
    $('conn').textContent = ' (monitor not answering: ' + e.message + ')';
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}
for (const img of document.querySelectorAll('.card img')) img.dataset.src = img.getAttribute('src') || '';
for (const t of document.querySelectorAll('time[datetime]')) setTime(t, t.getAttribute('datetime'));
setTimeout(refresh, REFRESH_MS);
})();`;
