// Shared benchmark reporting (BENCHMARKS.md): percentiles, a printed table, bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export const isCI = process.env.CI === 'true' || process.env.CI === '1';

/** The p-th percentile (0-100) of unsorted samples, nearest-rank. */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (value) => (Number.isFinite(value) ? Number(value.toPrecision(4)) : value);

/**
 * Prints the table and writes bench/results/<name>.json.
 * metrics: [{ metric, unit, better: 'higher'|'lower', values: { shardwire, ...peers } }]
 */
export function report(name, config, metrics) {
  for (const m of metrics) {
    if (!('shardwire' in m.values)) throw new Error(`metric ${m.metric} has no shardwire value`);
    for (const key of Object.keys(m.values)) m.values[key] = round(m.values[key]);
  }
  const result = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    config: isCI ? { ...config, ci: true } : config,
    metrics,
  };
  const columns = [...new Set(metrics.flatMap((m) => Object.keys(m.values)))];
  const rows = metrics.map((m) => [
    `${m.metric} (${m.unit}, ${m.better})`,
    ...columns.map((c) => String(m.values[c] ?? '—')),
  ]);
  const header = ['metric', ...columns];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${name}  ${JSON.stringify(result.config)}`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
