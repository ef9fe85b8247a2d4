/** One line of /proc/mounts. */
export interface MountEntry {
  device: string;
  mountpoint: string;
  fstype: string;
  options: string;
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    entries.push({
      device: unescapeMount(fields[0]!),
      mountpoint: unescapeMount(fields[1]!),
      fstype: fields[2]!,
      options: fields[3]!,
    });
  }
  return entries;
}

/** The mount a path lives on: the longest mountpoint that is a prefix of it (last one wins on stacking). */
export function mountFor(entries: readonly MountEntry[], target: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    const prefix = entry.mountpoint.endsWith('/') ? entry.mountpoint : `${entry.mountpoint}/`;
    if (target !== entry.mountpoint && !target.startsWith(prefix)) continue;
    if (!best || entry.mountpoint.length >= best.mountpoint.length) best = entry;
  }
  return best;
}
