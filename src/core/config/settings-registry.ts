import type { DeviceSettings, SettingsRef } from './device-settings.js';

export type SettingsBuilder = (device: string) => DeviceSettings;

/**
 * Every device's SettingsRef, so a reload reaches the pipelines that hold
 * them. One entry per device the monitor was started with or found: bounded
 * by the device list, never by frames.
 */
export class SettingsRegistry {
  private readonly refs = new Map<string, SettingsRef>();

  constructor(private build: SettingsBuilder) {}

  forDevice(device: string): SettingsRef {
    let ref = this.refs.get(device);
    if (!ref) {
      ref = { current: this.build(device) };
      this.refs.set(device, ref);
    }
    return ref;
  }

  /** New settings for every device (a reload): each pipeline sees them from its next frame. */
  replace(build: SettingsBuilder): void {
    // Build all first: a builder that throws leaves every device on its old settings.
    const next = [...this.refs.keys()].map((device) => [device, build(device)] as const);
    this.build = build;
    for (const [device, settings] of next) this.refs.get(device)!.current = settings;
  }

  get size(): number {
    return this.refs.size;
  }
}
