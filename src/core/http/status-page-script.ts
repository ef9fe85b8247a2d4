/**
 * The page's inline script: every REFRESH_MS it fetches /api/status and
 * /api/incidents and updates the DOM in place (no innerHTML of the whole
 * page, so nothing flickers). A thumbnail is swapped only when its URL (which
 * carries the sequence) changed, after the new image has loaded.
 */
const PAGE_REFRESH_MS = 2_000;

export const PAGE_SCRIPT = `(() => {
const REFRESH_MS = ${PAGE_REFRESH_MS};
const labels = (s) => [s.stalled && 'stalled', s.black && 'black', s.frozen && 'frozen', s.audio === 'lost' && 'audio lost', s.audio === 'stalled' && 'audio stalled'].filter(Boolean);
const tpl = (id) => document.getElementById(id).content.querySelector(id === 'card-tpl' ? '.card' : 'tr');
const field = (el, f) => el.querySelector('[data-f="' + f + '"]');
const text = (el, f, v) => { const n = field(el, f); const s = v === null || v === undefined ? '-' : String(v); if (n.textContent !== s) n.textContent = s; };
function swapImage(img, url) {
  if (!url || img.dataset.src === url) return;
  img.dataset.src = url;
  const next = new Image();
  next.onload = () => { if (img.dataset.src === url) img.src = url; };
  next.src = url;
}
function badges(el, states) {
  const on = labels(states);
  const key = on.join(',') || 'ok';
  const box = field(el, 'badges');
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...(on.length ? on : ['ok']).map((label) => {
    const b = document.createElement('span');
    b.className = 'badge ' + (label === 'ok' ? 'ok' : 'bad');
    b.textContent = label;
    return b;
  }));
}
function updateDevices(devices) {
  const box = document.getElementById('devices');
  const have = new Map([...box.querySelectorAll('.card')].map((c) => [c.dataset.device, c]));
  for (const d of devices) {
    let c = have.get(d.device);
    if (!c) { c = tpl('card-tpl').cloneNode(true); c.dataset.device = d.device; box.appendChild(c); }
    text(c, 'device', d.device); text(c, 'age', d.last_frame_age_ms === null ? null : (d.last_frame_age_ms / 1000).toFixed(1)); text(c, 'seq', d.last_sequence);
    text(c, 'fps', d.fps); text(c, 'analysed', d.frames_analysed); text(c, 'dropped', d.frames_dropped); text(c, 'bad', d.frames_bad);
    badges(c, d.states);
    swapImage(field(c, 'thumb'), d.thumbnail_url);
  }
}
function updateRows(id, incidents) {
  const body = document.getElementById(id);
  const have = new Map([...body.querySelectorAll('tr')].map((r) => [r.dataset.id, r]));
  const keep = new Set();
  for (const i of incidents) {
    const key = String(i.id);
    keep.add(key);
    let r = have.get(key);
    if (!r) { r = tpl('row-tpl').cloneNode(true); r.dataset.id = key; r.id = 'incident-' + key; }
    text(r, 'id', '#' + i.id); text(r, 'device', i.device); text(r, 'type', i.type);
    text(r, 'started', i.event_start);
    text(r, 'duration', Math.round(i.duration_ms / 1000) + ' s' + (i.status === 'open' ? ' (ongoing)' : ''));
    const ev = field(r, 'evidence');
    if (ev.children.length !== i.thumbnails.length) {
      ev.replaceChildren(...i.thumbnails.map((t) => {
        const img = document.createElement('img');
        img.width = 160; img.height = 90; img.alt = img.title = 'frame ' + t.sequence; img.src = t.url;
        return img;
      }));
    }
    body.appendChild(r); // in the API's order; moving a row does not reload its images
  }
  for (const [key, r] of have) if (!keep.has(key)) r.remove();
}
async function refresh() {
  try {
    const [s, i] = await Promise.all(['/api/status', '/api/incidents'].map((u) => fetch(u, { cache: 'no-store' }).then((r) => r.json())));
    updateDevices(s.devices);
    updateRows('open', i.open);
    updateRows('resolved', i.resolved);
    document.getElementById('updated').textContent = s.written_at;
  } catch (e) {
    document.getElementById('updated').textContent = 'monitor not answering (' + e.message + ')';
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}
for (const img of document.querySelectorAll('.card img')) img.dataset.src = img.getAttribute('src') || '';
setTimeout(refresh, REFRESH_MS);
})();`;
