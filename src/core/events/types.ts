/** Event and incident vocabulary shared by replay, the live monitor and the outputs. */

export const INCIDENT_TYPES = ['blackscreen', 'freeze', 'macroblocks', 'audio_loss'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Found on the wall clock by the live monitor's stall watch (frames or audio segments stopped arriving), never in a frame. */
export const STALL_TYPES = ['capture_stalled', 'segments_stalled'] as const;
export type StallType = (typeof STALL_TYPES)[number];

/** Every type an incident can have (the incidents table's CHECK lists the same). */
export const ALL_INCIDENT_TYPES = [...INCIDENT_TYPES, ...STALL_TYPES] as const;
export type AnyIncidentType = IncidentType | StallType;
