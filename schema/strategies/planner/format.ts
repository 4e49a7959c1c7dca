// Text rendering of the strategy plan for `sqlfleet schema plan --strategy …` (JSON output is the plan itself).
import { formatBytes, formatMs } from "./estimate";
import type { StrategyPlan } from "./types";

export function renderStrategyPlan(p: StrategyPlan, table: (rows: (string | number | undefined)[][], header: string[]) => string): string {
  const [inc, stg] = p.estimates;
  const s = p.stats;
  const rows = s.leaves.reduce((a, l) => a + l.rows, 0);
  const conf = s.leaves.reduce((a, l) => a + l.conformanceRows, 0);
  const bytes = s.leaves.reduce((a, l) => a + l.heapBytes + l.toastBytes + l.indexBytes, 0);
  const out: string[] = [];
  out.push(
    `strategy plan for ${s.table} (${s.engine}): ${s.leaves.length} resource-type partitions, ${rows} rows (${conf} conformance), ` +
      `${formatBytes(bytes)} with indexes; free storage ${s.freeBytes === undefined ? "unknown" : formatBytes(s.freeBytes)}`,
  );
  out.push(`  rows: ${s.rowsSource}; free storage: ${s.freeBytesSource ?? "-"}`);
  const biggest = [...s.leaves].sort((a, b) => b.rows - a.rows).slice(0, 5);
  out.push(
    table(
      biggest.map((l) => [l.leaf, l.resourceType ?? "(default)", l.rows, l.conformanceRows, formatBytes(l.heapBytes + l.toastBytes), formatBytes(l.indexBytes)]),
      ["largest partitions", "type", "rows", "conformance", "data", "indexes"],
    ),
  );
  out.push("");
  out.push(
    table(
      [
        ["duration", formatMs(inc.durationMs), formatMs(stg.durationMs)],
        ["extra storage (peak)", formatBytes(inc.extraBytes), formatBytes(stg.extraBytes)],
        ["longest write-blocking lock", formatMs(inc.longestBlockingMs), formatMs(stg.longestBlockingMs)],
        ["risk score (low 1, medium 2, high 3)", inc.riskScore, stg.riskScore],
        ["feasible", inc.feasible ? "yes" : "NO", stg.feasible ? "yes" : "NO"],
        ["rollback", inc.rollback, stg.rollback],
      ],
      ["estimate", "incremental", "staging"],
    ),
  );
  for (const e of p.estimates) {
    out.push("");
    out.push(`${e.strategy}: phases`);
    out.push(table(e.phases.map((x) => [x.phase, formatMs(x.ms), x.basis]), ["phase", "estimate", "basis"]));
    out.push(
      table(
        e.lockWindows.map((l) => [l.operation, l.mode, l.scope, l.blocksWrites ? "yes" : "no", l.count, formatMs(l.ms)]),
        ["lock window", "mode", "on", "blocks writes", "times", "each"],
      ),
    );
    for (const r of e.risks) out.push(`  risk ${r.level}: ${r.text}`);
    out.push(`  extra storage: ${e.extraBasis}`);
  }
  out.push("");
  out.push(`${p.mode === "auto" ? "recommended" : "chosen"}: ${p.chosen}`);
  for (const r of p.reasons) out.push(`  - ${r}`);
  return out.join("\n");
}
