/**
 * Where each key of a TOML document is written, so a schema error (which
 * knows a key path, not a position) can name its line. A line scanner, not
 * a second parser: the document has already been parsed, so only table
 * headers (`[a.b]`, `[[a.b]]`) and `key = value` lines need recognising;
 * inline tables and arrays are located by the key that holds them.
 */

/** Keys remembered per document: a config file is small, this bounds a hostile one. */
const KEY_LINES_MAX = 10_000;

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
const KEY = /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/;
const PART = /"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)/g;

function splitKey(text: string): string[] {
  return [...text.matchAll(PART)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Map of "a.b.0.c" key paths to 1-based line numbers. */
export function keyLines(source: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  const remember = (path: readonly (string | number)[], line: number): void => {
    const key = path.join('.');
    if (lines.size < KEY_LINES_MAX && !lines.has(key)) lines.set(key, line);
  };
  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    const header = HEADER.exec(text);
    if (header) {
      const path = splitKey(header[2]!);
      if (header[1] === '[[') {
        const name = path.join('.');
        const n = arrayCounts.get(name) ?? 0;
        arrayCounts.set(name, n + 1);
        remember(path, line);
        table = [...path, String(n)];
      } else {
        table = path;
      }
      remember(table, line);
      return;
    }
    const key = KEY.exec(text);
    if (key) remember([...table, ...splitKey(key[1]!)], line);
  });
  return lines;
}

/** The line of `path`, or of its nearest written ancestor (an inline table's key); undefined when none is written. */
export function lineOf(lines: ReadonlyMap<string, number>, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(path.slice(0, n).map(String).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}
