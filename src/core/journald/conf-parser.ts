/**
 * Pure parser for journald.conf text (systemd.syntax(7)): `[Section]`
 * headers, `Key=value` lines, `#` and `;` comments, blank lines, and a
 * trailing backslash joining a line to the next. Only `[Journal]` matters to
 * journald; assignments elsewhere are reported as warnings, like journald does.
 */

export const JOURNAL_SECTION = 'Journal';

export interface ConfAssignment {
  key: string;
  /** Trimmed; an empty value resets the key to journald's default. */
  value: string;
  /** 1-based line where the assignment starts. */
  line: number;
}

export interface ConfWarning {
  line: number;
  message: string;
}

export interface ParsedConf {
  assignments: ConfAssignment[];
  warnings: ConfWarning[];
}

export function parseJournaldConf(text: string): ParsedConf {
  const assignments: ConfAssignment[] = [];
  const warnings: ConfWarning[] = [];
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!;
    // systemd joins a line ending in a backslash with the next, the backslash becoming a space.
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length && !isComment(line.trim())) {
      line = `${line.trimEnd().slice(0, -1)} ${lines[++i]!}`;
    }
    const trimmed = line.trim();
    if (trimmed === '' || isComment(trimmed)) continue;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) {
        warnings.push({ line: start, message: `bad section header "${trimmed}"` });
        section = undefined;
        continue;
      }
      section = trimmed.slice(1, -1).trim();
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      warnings.push({ line: start, message: `not a Key=value line: "${trimmed}"` });
      continue;
    }
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (section === undefined) {
      warnings.push({ line: start, message: `${key}= is outside any section; journald ignores it` });
      continue;
    }
    if (section !== JOURNAL_SECTION) continue;
    assignments.push({ key, value, line: start });
  }
  return { assignments, warnings };
}

function isComment(trimmed: string): boolean {
  return trimmed.startsWith('#') || trimmed.startsWith(';');
}
