import path from 'node:path';

/**
 * Which tracked pattern a command line matches, and the name to show for it:
 * the script or program that matched (`capture_monitor.py` for
 * `python3 -u /opt/farm/capture_monitor.py --dev 1`), or the pattern itself
 * for a multi-word pattern such as `vpt monitor`.
 */

/** Only the program and the first arguments that are not options can be "the script". */
const SCRIPT_POSITIONS = 2;

export interface TrackedMatch {
  name: string;
  pattern: string;
}

/** argv[0] plus the first non-option arguments, as basenames: `node vpt monitor`. */
function leadingWords(argv: readonly string[]): string[] {
  const words = [path.basename(argv[0]!)];
  for (const arg of argv.slice(1)) {
    if (words.length > SCRIPT_POSITIONS) break;
    if (arg.startsWith('-')) continue;
    words.push(path.basename(arg));
  }
  return words;
}

export function matchTracked(argv: readonly string[], patterns: readonly string[]): TrackedMatch | undefined {
  if (argv.length === 0 || argv[0] === '') return undefined;
  const words = leadingWords(argv);
  for (const pattern of patterns) {
    if (pattern.includes(' ')) {
      if (words.join(' ').includes(pattern)) return { name: pattern, pattern };
      continue;
    }
    const word = words.find((w) => w.includes(pattern));
    if (word !== undefined) return { name: word, pattern };
  }
  return undefined;
}
