/** What the demo device shows during an episode. */
export type PictureKind = 'moving' | 'freeze' | 'blackscreen' | 'zap';
export type SoundKind = 'tone' | 'silence';

export interface Episode<K> {
  kind: K;
  /** Seconds from the start of the cycle, [startSec, endSec). */
  startSec: number;
  endSec: number;
}

export interface DemoScript {
  /** The script repeats with this period, so the demo keeps showing incidents until Ctrl-C. */
  cycleSec: number;
  picture: Episode<PictureKind>[];
  sound: Episode<SoundKind>[];
}

export const DEMO_DEVICE = 'capture1';
export const DEMO_FPS = 5;
/** What `vpt monitor --demo` passes as --incident-delay: an episode of 10 s opens an incident. */
export const DEMO_INCIDENT_DELAY_MS = 8_000;
/** And as the minimum event length (the design's 5 s scaled down), so a 3 s zap still counts. */
export const DEMO_MIN_EVENT_MS = 3_000;

/**
 * One minute of scripted trouble. The freeze and the blackscreen last 10 s
 * (incident after 8 s, resolved 2 s later); the silence over moving video
 * lasts 16 s, so even with an audio check every 5 s and one segment of lag
 * it is seen for more than 8 s; the zap is 3 s of black with a banner while
 * the sound drops, the way a set-top box changes channel.
 */
export const DEMO_SCRIPT: DemoScript = {
  cycleSec: 60,
  picture: [
    { kind: 'moving', startSec: 0, endSec: 4 },
    { kind: 'freeze', startSec: 4, endSec: 14 },
    { kind: 'moving', startSec: 14, endSec: 34 },
    { kind: 'blackscreen', startSec: 34, endSec: 44 },
    { kind: 'moving', startSec: 44, endSec: 48 },
    { kind: 'zap', startSec: 48, endSec: 51 },
    { kind: 'moving', startSec: 51, endSec: 60 },
  ],
  sound: [
    { kind: 'tone', startSec: 0, endSec: 15 },
    { kind: 'silence', startSec: 15, endSec: 31 },
    { kind: 'tone', startSec: 31, endSec: 48 },
    { kind: 'silence', startSec: 48, endSec: 51 },
    { kind: 'tone', startSec: 51, endSec: 60 },
  ],
};

function at<K>(episodes: readonly Episode<K>[], cycleSec: number, tSec: number): Episode<K> {
  const inCycle = ((tSec % cycleSec) + cycleSec) % cycleSec;
  return episodes.find((e) => inCycle >= e.startSec && inCycle < e.endSec) ?? episodes[episodes.length - 1]!;
}

/** The picture episode at `tSec` since the demo started. */
export function pictureAt(script: DemoScript, tSec: number): Episode<PictureKind> {
  return at(script.picture, script.cycleSec, tSec);
}

export function soundAt(script: DemoScript, tSec: number): Episode<SoundKind> {
  return at(script.sound, script.cycleSec, tSec);
}
