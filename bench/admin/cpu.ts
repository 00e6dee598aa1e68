/**
 * CPU accounting, so long operations can be judged apart from the load of other processes on
 * the machine: this process's CPU (process.cpuUsage) and, when the PostgreSQL server runs on this
 * machine, the CPU of the server processes serving the benchmark database (/proc/<pid>/stat).
 */
import { readFileSync } from 'node:fs';

/** utime + stime of a process in seconds, or undefined when /proc does not show it. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU seconds of each backend of the current database, by pid; undefined when the server is not local. */
export async function backendCpu(query: (text: string) => Promise<{ pid: number }[]>): Promise<Record<string, number> | undefined> {
  const rows = await query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out: Record<string, number> = {};
  for (const { pid } of rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds === undefined) return undefined;
    out[pid] = seconds;
  }
  return out;
}

/** CPU the backends used since `before` (backends that appeared count from zero). */
export function backendCpuSince(before: Record<string, number> | undefined, after: Record<string, number> | undefined): number | undefined {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, seconds] of Object.entries(after)) total += seconds - (before[pid] ?? 0);
  return total;
}

export const nodeCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
