// Measurement helpers shared by scripts/bench.mjs and scripts/bench-cloud.mjs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function median(sorted) {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: median(sorted),
    p90: percentile(sorted, 90),
    min: sorted[0],
    max: sorted.at(-1),
  };
}

export const ms = (value) => value.toFixed(1);
export const ratio = (value) => `${value.toFixed(2)}×`;

export function tail(text, lines = 15) {
  return String(text ?? '')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .join('\n');
}

// CPU time (user + system) of waited-for children, from /proc/self/stat (Linux; in clock ticks,
// usually 10 ms). Informational: unlike wall time it hardly moves when other processes load the
// machine. `undefined` where /proc is not available.
let clockTicksPerSecond;
export function childCpuMs() {
  if (clockTicksPerSecond === undefined) {
    try {
      const out = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: 'pipe' });
      clockTicksPerSecond = Number(out.trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? (ticks * 1000) / clockTicksPerSecond : undefined;
  } catch {
    return undefined;
  }
}
