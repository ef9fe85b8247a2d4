import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseSegmentIndex } from '../audio/segment-files.js';
import { liveFolders } from '../layout/live-folders.js';

/**
 * Whether a device's audio segments are still arriving: the newest segment
 * number in its live `segments/` folder, compared with the last look. One
 * readdir per look; only the highest number is kept (no name list is held).
 */
export class SegmentActivity {
  private readonly deviceDir: string;
  private newest: number | undefined;

  constructor(deviceDir: string) {
    this.deviceDir = deviceDir;
  }

  /**
   * True when the newest segment changed since the last look: a higher number,
   * or a lower one (ffmpeg restarted and numbers from 0 again). The first
   * segment ever seen counts as new.
   */
  async look(): Promise<boolean> {
    const folders = await liveFolders(this.deviceDir);
    let names: string[];
    try {
      names = await fs.readdir(path.join(path.dirname(folders.captures), 'segments'));
    } catch {
      return false; // no segments folder (yet): a device without audio
    }
    let highest: number | undefined;
    for (const name of names) {
      const index = parseSegmentIndex(name);
      if (index !== undefined && (highest === undefined || index > highest)) highest = index;
    }
    if (highest === undefined || highest === this.newest) return false;
    this.newest = highest;
    return true;
  }
}
