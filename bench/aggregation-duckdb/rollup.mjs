// The DuckDB peer of the Nris aggregation benchmark: the same facts the bench driver exported (CSV: indicator,
// disagg, source, period, province, territory, value), loaded into an in-memory DuckDB table, then the same sums as
// the PostgreSQL run: GROUP BY indicator, disaggregation, source, period, ROLLUP(province, territory), materialized.
// Usage: npm install && node rollup.mjs facts-db.csv [facts-memory.csv ...]
// For inputs larger than memory (scale L): DUCKDB_FILE=/path/facts.duckdb DUCKDB_MEMORY_LIMIT=6GB node rollup.mjs …
// keeps the table in that file (removed first) and lets DuckDB spill to disk beside it within that memory limit.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';

const rollup = `CREATE OR REPLACE TABLE rollup AS
  SELECT indicator, disagg, source, period, province, territory, sum(value) AS total FROM facts
  GROUP BY indicator, disagg, source, period, ROLLUP(province, territory)`;

for (const file of process.argv.slice(2)) {
  const config = { threads: String(os.cpus().length) };
  let path = ':memory:';
  if (process.env.DUCKDB_FILE) {
    path = process.env.DUCKDB_FILE;
    fs.rmSync(path, { force: true });
    fs.rmSync(`${path}.wal`, { force: true });
    config.temp_directory = `${path}.tmp`;
    config.preserve_insertion_order = 'false';
  }
  if (process.env.DUCKDB_MEMORY_LIMIT) {
    config.memory_limit = process.env.DUCKDB_MEMORY_LIMIT;
  }
  const instance = await DuckDBInstance.create(path, config);
  const db = await instance.connect();
  // Process CPU time (user + system, all threads) next to wall time: on a shared machine the wall time is mostly
  // waiting for a core, so the driver prints its CPU time too.
  const cpuMs = (since) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
  let cpu = process.cpuUsage();
  let start = performance.now();
  await db.run(`CREATE TABLE facts AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}', header = true,
    columns = {'indicator': 'VARCHAR', 'disagg': 'VARCHAR', 'source': 'VARCHAR', 'period': 'VARCHAR',
               'province': 'VARCHAR', 'territory': 'VARCHAR', 'value': 'DECIMAL(28,6)'})`);
  const load = performance.now() - start;
  const loadCpu = cpuMs(cpu);
  const rows = (await db.runAndReadAll('SELECT count(*) FROM facts')).getRows()[0][0];
  let best = Infinity;
  let bestCpu = Infinity;
  // DUCKDB_RUNS: how many times the ROLLUP runs (the best is kept); 3 unless set (1 at L, where each takes minutes).
  const runs = Number.parseInt(process.env.DUCKDB_RUNS ?? '3', 10);
  for (let run = 0; run < runs; run++) {
    cpu = process.cpuUsage();
    start = performance.now();
    await db.run(rollup);
    best = Math.min(best, performance.now() - start);
    bestCpu = Math.min(bestCpu, cpuMs(cpu));
  }
  const groups = (await db.runAndReadAll('SELECT count(*) FROM rollup')).getRows()[0][0];
  console.log(`[${file}] DuckDB ${rows} rows (${os.cpus().length} threads${path === ':memory:' ? '' : `, table in ${path}`}${config.memory_limit ? `, memory limit ${config.memory_limit}` : ''}): CSV load ${load.toFixed(0)} ms wall / ${loadCpu.toFixed(0)} ms CPU; GROUP BY ROLLUP into a table best of ${runs} ${best.toFixed(0)} ms wall / ${bestCpu.toFixed(0)} ms CPU (${groups} groups)`);
  db.closeSync?.();
}
