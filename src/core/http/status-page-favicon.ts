/** Open incidents shown in the favicon at most; more reads "99+" would not fit 32 px, so "!" it is. */
const FAVICON_MAX_COUNT = 99;

/**
 * The page's icon: a green disc when nothing is open, a red one with the
 * count of open incidents otherwise, so a background tab shows trouble.
 */
export function faviconSvg(openIncidents: number): string {
  const bad = openIncidents > 0;
  const label = openIncidents > FAVICON_MAX_COUNT ? '!' : String(openIncidents);
  const text = bad
    ? `<text x="16" y="22" font-family="sans-serif" font-size="${label.length > 1 ? 15 : 19}" font-weight="bold" text-anchor="middle" fill="#fff">${label}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${bad ? '#b71c1c' : '#1b5e20'}"/>${text}</svg>\n`;
}
