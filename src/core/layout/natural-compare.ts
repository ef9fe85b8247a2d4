/**
 * capture2 before capture10, in the order `a.localeCompare(b, 'en', { numeric: true })` gives device
 * names: runs of digits compare as numbers, punctuation and spaces sort before digits and digits
 * before letters, letters without regard to case (then by code unit, so the order is total). Written
 * out because setting up ICU's numeric collation cost a 30 s health sample ~15 ms as soon as two
 * device folders were there to sort.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  /** Equal numbers spelled with other leading zeros (2 and 02): the shorter first, if nothing else differs. */
  let zeros = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const ea = digitsEnd(a, i);
      const eb = digitsEnd(b, j);
      const na = a.slice(i, ea).replace(/^0+(?=\d)/, '');
      const nb = b.slice(j, eb).replace(/^0+(?=\d)/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      zeros ||= ea - i - (eb - j);
      i = ea;
      j = eb;
      continue;
    }
    const ka = rank(ca);
    const kb = rank(cb);
    if (ka !== kb) return ka - kb;
    i++;
    j++;
  }
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
  if (zeros !== 0) return zeros;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsEnd(s: string, from: number): number {
  let k = from;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  return k;
}

/** ASCII spaces, punctuation and symbols in the order of Unicode's default collation (ICU's root). */
const SYMBOL_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$';

/** Spaces, punctuation and symbols (in SYMBOL_ORDER, then by code), then digits, then letters (case folded). */
function rank(c: number): number {
  if (c >= 65 && c <= 90) return 0x30000 + c + 32;
  if (c >= 97 && c <= 122) return 0x30000 + c;
  if (isDigit(c)) return 0x20000;
  const at = SYMBOL_ORDER.indexOf(String.fromCharCode(c));
  return at >= 0 ? at : 0x10000 + c;
}
