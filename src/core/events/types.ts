/** Event and incident vocabulary shared by replay, the live monitor and the outputs. */

export const INCIDENT_TYPES = ['blackscreen', 'freeze', 'macroblocks', 'audio_loss'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
