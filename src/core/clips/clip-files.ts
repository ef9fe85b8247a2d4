import path from 'node:path';

/**
 * Where an incident's clips live and how they are recognised among its
 * evidence paths: `<device>/clips/incident_<id>_<phase>.mp4` in cold storage,
 * beside the evidence stills, and listed in the incident's evidence, so
 * whatever deletes an incident's evidence deletes its clips too.
 */
export const CLIPS_FOLDER = 'clips';

/** `start`: around the event's first frame (made when the incident opens); `end`: around its last (when it resolves). */
export type ClipPhase = 'start' | 'end';

const CLIP_NAME = /^incident_(\d+)_(start|end)\.mp4$/;

export function clipPath(deviceDir: string, incidentId: number, phase: ClipPhase): string {
  return path.join(path.resolve(deviceDir), CLIPS_FOLDER, `incident_${incidentId}_${phase}.mp4`);
}

/** An incident's clips among its evidence paths, in the order they were recorded. */
export function evidenceClips(evidence: readonly string[]): { path: string; phase: ClipPhase }[] {
  const out: { path: string; phase: ClipPhase }[] = [];
  for (const p of evidence) {
    const m = CLIP_NAME.exec(path.basename(p));
    if (m && path.basename(path.dirname(p)) === CLIPS_FOLDER) out.push({ path: p, phase: m[2] as ClipPhase });
  }
  return out;
}
