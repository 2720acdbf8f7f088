/**
 * How busy the machine was while a side measured. The throughput ratio is CPU-bound on the worker's side (its
 * batch period is the 50 ms latency plus its CPU work) and hardly on the baseline's (one request at a time), so
 * other processes, or a hypervisor taking CPU time away from this virtual machine (steal), lower the ratio. The
 * report says how much of either there was, so that a reader can tell a slow worker from a busy machine.
 * Linux only (/proc/stat); elsewhere there is nothing to report.
 */
import { readFileSync } from 'node:fs';

/** Cumulative CPU time of the whole machine (all cores), ms. */
export interface CpuTimes {
  /** user, nice, system, irq and softirq time of every process. */
  readonly busyMs: number;
  /** Time the hypervisor ran something else while this machine had work to do. */
  readonly stealMs: number;
}

/** /proc/stat counts in USER_HZ, which is 100 on every Linux architecture Node runs on. */
const MS_PER_TICK = 10;

export function machineCpuTimes(): CpuTimes | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined; // not Linux
  }
}

/** The machine-wide `cpu` line of /proc/stat: `cpu  user nice system idle iowait irq softirq steal …`. */
export function parseProcStat(stat: string): CpuTimes | undefined {
  const fields = /^cpu\s+(.*)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number);
  if (fields === undefined || fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { busyMs: (user + nice + system + irq + softirq) * MS_PER_TICK, stealMs: steal * MS_PER_TICK };
}

export function cpuTimesBetween(
  start: CpuTimes | undefined,
  end: CpuTimes | undefined,
): CpuTimes | undefined {
  if (start === undefined || end === undefined) return undefined;
  return { busyMs: end.busyMs - start.busyMs, stealMs: end.stealMs - start.stealMs };
}

/** What a measuring child reports about its measured window. */
export interface MeasuredWindow {
  readonly wallMs: number;
  /** The child's own CPU time (user + system) in the window. */
  readonly ownCpuMs: number;
  /** The whole machine's CPU time in the window; undefined where /proc/stat is missing. */
  readonly machine: CpuTimes | undefined;
}

export interface OtherLoad {
  /** Cores kept busy by processes other than the measuring child and the benchmark's parent, on average. */
  readonly otherCores: number;
  /** Share of the machine's CPU time taken by the hypervisor. */
  readonly stealShare: number;
}

/**
 * The load that was not the benchmark's own during a window. `parentCpuMs` is the parent's CPU time over the
 * child's whole life (the endpoint's work, mostly inside the window): a slight overcount, so `otherCores` is, if
 * anything, too low.
 */
export function otherLoad(window: MeasuredWindow, parentCpuMs: number, cores: number): OtherLoad | undefined {
  if (window.machine === undefined || window.wallMs <= 0) return undefined;
  const otherMs = Math.max(0, window.machine.busyMs - window.ownCpuMs - parentCpuMs);
  return {
    otherCores: otherMs / window.wallMs,
    stealShare: window.machine.stealMs / (window.wallMs * cores),
  };
}
