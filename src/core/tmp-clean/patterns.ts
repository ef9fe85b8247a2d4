import { UsageError } from '../errors.js';
import { escapeOutside } from '../text/escape-outside.js';

/**
 * Which names in --dir are candidates. Patterns match a bare name inside
 * --dir, never a path: a `/` would let a pattern reach outside the folder,
 * so it is refused. Only `*`, `?` and `[...]` (with `!` or `^` negation) are
 * glob syntax, as in fnmatch(3); everything else is literal.
 */

/** Leftovers of the old audio checks and ffmpeg concat lists. */
export const DEFAULT_PATTERNS: readonly string[] = ['*_audio_check.ts', '*_concat_list.txt'];

/** The monitor's per-process temp folder, `vpt-<pid>` (docs/design.md, memory discipline). */
const PID_FOLDER = /^vpt-([1-9]\d{0,9})$/;

/** Longest pattern accepted: a name is at most 255 bytes (NAME_MAX), a pattern need not be much longer. */
export const MAX_PATTERN_LENGTH = 1024;

export type NameMatch = { kind: 'file' } | { kind: 'pid-folder'; pid: number };

export interface NameMatcher {
  /** What a directory entry name is a candidate for, or undefined when it matches nothing. */
  match(name: string): NameMatch | undefined;
}

/** Refuse patterns that could not mean "a name inside --dir". */
export function validatePattern(pattern: string): void {
  const bad = (why: string): UsageError => new UsageError(`--pattern: "${escapeOutside(pattern)}" ${why}`);
  if (pattern === '') throw bad('is empty; give a file name pattern such as "*.partial"');
  if (pattern.length > MAX_PATTERN_LENGTH) throw bad(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (pattern.includes('/')) throw bad('contains "/"; patterns match names inside --dir only (use --dir for the folder)');
  if (/[\u0000-\u001f\u007f]/.test(pattern)) throw bad('contains a control character');
  if (pattern === '.' || pattern === '..') throw bad('names a folder, not a file');
  // Compiling throws on an unterminated bracket, with the pattern named.
  globToRegExp(pattern);
}

/**
 * fnmatch(3)-style glob to an anchored RegExp. Like the shell, `*` and `?`
 * do not match a leading dot, so `--pattern '*'` cannot sweep up dot files
 * such as `.X0-lock`; a pattern starting with `.` matches them explicitly.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = bracketEnd(pattern, i);
      if (end < 0) throw new UsageError(`--pattern: "${escapeOutside(pattern)}" has a "[" without its "]"`);
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const leadingDot = pattern.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${leadingDot}${source}$`, 's');
}

/** Index of the `]` closing the bracket at `start`; a `]` right after `[`, `[!` or `[^` is literal. */
function bracketEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  return pattern.indexOf(']', i);
}

/** The default patterns plus the user's, and the `vpt-<pid>` folder rule. */
export function createNameMatcher(extraPatterns: readonly string[] = []): NameMatcher {
  for (const pattern of extraPatterns) validatePattern(pattern);
  const globs = [...DEFAULT_PATTERNS, ...extraPatterns].map(globToRegExp);
  return {
    match(name) {
      const pid = PID_FOLDER.exec(name);
      if (pid) return { kind: 'pid-folder', pid: Number(pid[1]) };
      return globs.some((re) => re.test(name)) ? { kind: 'file' } : undefined;
    },
  };
}
