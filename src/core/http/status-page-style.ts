/**
 * The page's style. Colours pass WCAG AA against what they sit on (4.5:1
 * for text; the figures are checked by test/http/status-page.e2e.test.ts
 * in chromium): red #b71c1c, green #1b5e20 and grey #595959 under white
 * text, grey text #595959 on white and on the page's #f4f4f4. Trouble is never colour
 * alone: a card in trouble says "needs attention". Under 600 px the
 * incident tables become one block per incident, so nothing scrolls
 * sideways at 360 px.
 */
export const PAGE_CSS = `*{box-sizing:border-box}
body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:12px;background:#f4f4f4;color:#1a1a1a;overflow-wrap:anywhere}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:18px 0 6px}
#summary{margin:2px 0;font-weight:600}#summary.bad{color:#b71c1c}
#meta,.muted{color:#595959;font-size:13px}
#devices{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr));gap:10px}
.card{background:#fff;border-radius:6px;padding:8px;box-shadow:0 1px 2px #0003;border:3px solid transparent;min-width:0}
.card.trouble{border-color:#b71c1c;background:#fff5f5}
.card h3{margin:0 0 6px;font-size:16px;display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.attention{display:none;background:#b71c1c;color:#fff;border-radius:4px;padding:0 6px;font-size:13px;font-weight:600}
.card.trouble .attention{display:inline-block}
.pic{position:relative;width:100%;aspect-ratio:16/9;background:#e0e0e0;border-radius:3px;overflow:hidden}
.pic img{width:100%;height:100%;display:block}
.waiting{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;color:#1a1a1a;font-size:14px;text-align:center;padding:8px}
[hidden]{display:none!important}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:6px 0 0}dt{color:#595959}dd{margin:0;min-width:0}
.badges{margin-top:4px}
.badge{display:inline-block;border-radius:4px;padding:1px 7px;margin:2px 4px 0 0;font-size:13px;font-weight:600;color:#fff}
.badge.bad{background:#b71c1c}.badge.ok{background:#1b5e20}.badge.wait{background:#595959}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:auto}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #ccc;vertical-align:top}
#open tr{background:#fff5f5}
.evidence img{width:128px;height:72px;margin:0 3px 3px 0;background:#e0e0e0;vertical-align:top}
.clips figure{margin:0 0 4px}.clips video{width:240px;max-width:100%;aspect-ratio:16/9;background:#000;display:block}
.clips figcaption{font-size:12px;color:#595959}
.empty{background:#fff;padding:10px;border-radius:6px;color:#1a1a1a;margin:0}
@media (max-width:600px){
 table,tbody,tr,td{display:block;width:100%}thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 tr{border:1px solid #ccc;border-radius:6px;margin-bottom:8px;padding:4px 0}td{border:0;padding:2px 8px}
 td[data-label]::before{content:attr(data-label) ": ";color:#595959}
 .evidence img{width:calc((100% - 12px)/3);height:auto;aspect-ratio:16/9;margin-right:3px}
 .clips video{width:100%}
}`;
