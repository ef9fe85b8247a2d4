import type { Logger } from '../logger.js';
import type { MonitorEvent } from '../events/monitor-event.js';
import { runProgram, type RunResult } from '../process/process-runner.js';
import { iso } from '../units.js';
import { ActionLimiter } from './action-limiter.js';
import type { ActionRecord, ActionResult } from './action-log.js';
import { expandCommand, MEMORY_ALERT_ACTION, type ActionSettings, type ActionTrigger } from './action-settings.js';

/** Lines of a command's output kept with its record ... */
export const ACTION_OUTPUT_TAIL_LINES = 10;
/** ... and characters at most (a line can be long). */
export const ACTION_OUTPUT_TAIL_CHARS = 2_000;
/** Output a command may produce before it is cut off (its tail is all that is kept anyway). */
export const ACTION_MAX_OUTPUT_BYTES = 64 * 1024;
/** Commands running at once; one more is recorded as suppressed, not queued. */
export const MAX_ACTIONS_IN_FLIGHT = 4;
/** The device recorded for the monitor's own memory alert. */
export const MONITOR_DEVICE = 'vpt-monitor';

export interface ActionRunnerOptions {
  /** Read at each trigger: a SIGHUP reload swaps them. */
  settings: () => ActionSettings;
  /** Where each run is recorded (incidents.db); a failed write is one warning. */
  record: (record: ActionRecord) => void;
  onEvent: (event: MonitorEvent) => void;
  logger: Logger;
  now?: () => number;
  /** The process seam (tests may not run a real systemctl). */
  run?: typeof runProgram;
}

/**
 * monit's "if ... then exec": when an incident opens (or the memory alert
 * fires) and `[actions]` has a command for its type, run it (argv, no
 * shell) with its timeout, within the rate limit, or only log it in dry-run
 * mode. Every outcome is recorded with its incident and reported as an
 * `action` event (the metrics count those). Nothing is configured: nothing runs.
 */
export class ActionRunner {
  private readonly limiter = new ActionLimiter();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly run: typeof runProgram;

  constructor(private readonly options: ActionRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.run = options.run ?? runProgram;
  }

  incidentOpened(device: string, type: ActionTrigger, incidentId: number): Promise<void> {
    return this.trigger(device, type, incidentId);
  }

  memoryAlert(): Promise<void> {
    return this.trigger(MONITOR_DEVICE, MEMORY_ALERT_ACTION, undefined);
  }

  /** Wait for the commands running (each has its own timeout). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private trigger(device: string, trigger: ActionTrigger, incidentId: number | undefined): Promise<void> {
    const settings = this.options.settings();
    const spec = settings.actions[trigger];
    if (!spec) return Promise.resolve();
    const command = expandCommand(spec.command, { device, incidentId, type: trigger });
    const base = { incidentId, device, trigger, command, startedAt: this.now() };
    const limits = { maxRuns: settings.maxRuns, windowMs: settings.rateWindowMs, backoffMs: settings.backoffMs };
    if (!this.limiter.take(`${device}\0${trigger}`, base.startedAt, limits)) {
      this.finish({ ...base, result: 'suppressed', exitCode: undefined, durationMs: undefined, output: 'suppressed by rate limit' });
      return Promise.resolve();
    }
    if (settings.dryRun) {
      this.finish({ ...base, result: 'dry_run', exitCode: undefined, durationMs: undefined, output: 'dry run: not run' });
      return Promise.resolve();
    }
    if (this.inFlight.size >= MAX_ACTIONS_IN_FLIGHT) {
      this.finish({ ...base, result: 'suppressed', exitCode: undefined, durationMs: undefined, output: `${MAX_ACTIONS_IN_FLIGHT} actions already running` });
      return Promise.resolve();
    }
    const running = this.execute(base, spec.timeoutMs).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  private async execute(base: Pick<ActionRecord, 'incidentId' | 'device' | 'trigger' | 'command' | 'startedAt'>, timeoutMs: number): Promise<void> {
    const [program, ...args] = base.command;
    let outcome: Pick<ActionRecord, 'result' | 'exitCode' | 'durationMs' | 'output'>;
    try {
      const r = await this.run(program!, args, { timeoutMs, maxBuffer: ACTION_MAX_OUTPUT_BYTES });
      outcome = { result: resultOf(r), exitCode: r.exitCode, durationMs: r.durationMs, output: outputTail(`${r.stdout}${r.stderr}`) };
    } catch (err) {
      // A missing or non-executable program: the command's own error, recorded like any failure.
      outcome = { result: 'error', exitCode: undefined, durationMs: this.now() - base.startedAt, output: err instanceof Error ? err.message : String(err) };
    }
    this.finish({ ...base, ...outcome });
  }

  private finish(record: ActionRecord): void {
    try {
      this.options.record(record);
    } catch (err) {
      this.options.logger.warn(`[${record.device}] action for ${record.trigger} not recorded: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.options.onEvent({
      event: 'action',
      ts: iso(record.startedAt),
      device: record.device,
      type: record.trigger,
      incident_id: record.incidentId ?? null,
      command: [...record.command],
      result: record.result,
      exit_code: record.exitCode ?? null,
      duration_ms: record.durationMs === undefined ? null : Math.round(record.durationMs),
      output: record.output,
    });
  }
}

function resultOf(r: RunResult): ActionResult {
  if (r.timedOut) return 'timeout';
  return r.exitCode === 0 ? 'ok' : 'failed';
}

/** The last ACTION_OUTPUT_TAIL_LINES lines, at most ACTION_OUTPUT_TAIL_CHARS characters. */
export function outputTail(text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  const tail = lines.slice(-ACTION_OUTPUT_TAIL_LINES).join('\n');
  return tail.length > ACTION_OUTPUT_TAIL_CHARS ? tail.slice(-ACTION_OUTPUT_TAIL_CHARS) : tail;
}
