/** Small statistics and formatting helpers for the report. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function minMax(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

/** `1.23` with the given decimals, or `n/a`. */
export function fixed(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** `median (min–max)` of a series. */
export function spread(values: readonly number[], decimals = 2, unit = ''): string {
  const [low, high] = minMax(values);
  return `${fixed(median(values), decimals)}${unit} (${fixed(low, decimals)}–${fixed(high, decimals)})`;
}

export function mib(kilobytes: number): string {
  return `${(kilobytes / 1024).toFixed(1)} MiB`;
}
