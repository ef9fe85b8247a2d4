// The house's rules as ESLint zones (import-x/no-restricted-paths): the parts
// of vpt (docs/architecture.md, "Parts and the imports that must never
// exist") and, per zone, the imports that must never exist. `target` imports
// nothing from `from`. test/lint/zones.test.ts plants one forbidden import
// per zone and checks that ESLint refuses it.
const FACE = ['./src/cli.ts', './src/health-entry.ts', './src/monitor-flags.ts', './src/commands', './src/ui.ts', './src/exit.ts', './src/fd-output.ts'];
const MONITOR = ['./src/core/live', './src/core/replay', './src/core/demo'];
const FRAME_PATH = ['./src/core/pipeline', './src/core/frames', './src/core/detectors', './src/core/events', './src/core/audio'];
const INCIDENTS = ['./src/core/incidents', './src/core/webhook', './src/core/alertmanager'];
const HOST = ['./src/core/investigate', './src/core/probes', './src/core/journald', './src/core/tmp-clean', './src/core/systemd'];
const HTTP = ['./src/core/http', './src/core/metrics', './src/core/status'];
const CONFIG = ['./src/core/config'];
const BASE = [
  './src/core/cache',
  './src/core/lifecycle',
  './src/core/layout',
  './src/core/memory',
  './src/core/errors.ts',
  './src/core/logger.ts',
  './src/core/units.ts',
  './src/core/fs',
  './src/core/process',
];

export const ZONES = [
  { target: './src/core', from: FACE, message: 'the core knows no command: move the shared piece into core.' },
  { target: FRAME_PATH, from: MONITOR, message: 'the frame path does not know who drives it (live, replay, demo).' },
  { target: FRAME_PATH, from: HTTP, message: 'the frame path does not know who shows it (http, metrics, status).' },
  {
    target: './src/core/detectors',
    from: './src',
    except: ['./core/detectors', './core/frames'],
    message: 'a detector is a function of frames: it imports only frames/ and its own constants.',
  },
  { target: BASE, from: [...MONITOR, ...FRAME_PATH, ...INCIDENTS, ...HOST, ...HTTP, ...CONFIG], message: 'ground does not reach up.' },
  { target: HOST, from: MONITOR, message: "the host report reads files, not the monitor's code." },
  { target: INCIDENTS, from: MONITOR, message: 'incidents are stored, not driven, by the store.' },
];
