// Watching a fleet rollout: a live table in a terminal (cli-progress multibar, one row per running database),
// one plain line per event otherwise, or one JSON object per event (--json, newline-delimited).
import chalk from "chalk";
import cliProgress from "cli-progress";
import type { FleetEvent } from "../schema/fleet/types";

export interface FleetWatcher {
  onEvent(e: FleetEvent): void;
  stop(): void;
}

function eta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}

export function jsonWatcher(write: (line: string) => void = (l) => process.stdout.write(l)): FleetWatcher {
  return { onEvent: (e) => write(`${JSON.stringify({ at: new Date().toISOString(), ...e })}\n`), stop: () => undefined };
}

/** Line per event; backfill progress at most one line per database every `progressEveryMs`. */
export function lineWatcher(print: (line: string) => void = (l) => console.error(l), progressEveryMs = 5000): FleetWatcher {
  const last = new Map<string, number>();
  return {
    stop: () => undefined,
    onEvent: (e) => {
      switch (e.type) {
        case "wave-start":
          return print(`wave ${e.wave} (${e.kind}): ${e.databases.join(", ")}`);
        case "wave-end":
          return print(`wave ${e.wave}: ${e.outcome}`);
        case "db-start":
          return print(`  ${e.db} [${e.pool}] started`);
        case "db-end":
          return print(`  ${e.db} [${e.pool}] ${e.outcome}${e.rowsMoved ? `, ${e.rowsMoved} rows moved` : ""}${e.error ? `: ${e.error}` : ""}`);
        case "stopped":
          return print(chalk.yellow(`stopped: ${e.reason}`));
        case "db-progress": {
          const ev = e.event;
          if (ev.type === "throttle") return print(chalk.yellow(`  ${e.db} throttled: ${ev.reason}`));
          if (ev.type === "migration") return print(chalk.dim(`  ${e.db} ${ev.migrationId}: ${ev.state}`));
          if (ev.type !== "backfill") return;
          const now = Date.now();
          if (now - (last.get(e.db) ?? 0) < progressEveryMs) return;
          last.set(e.db, now);
          return print(chalk.dim(`  ${e.db} ${ev.task}: ${ev.rowsDone}/${ev.rowsEstimated} rows, ${Math.round(ev.rowsPerSec)} rows/s, ETA ${eta(ev.etaMs)}`));
        }
      }
    },
  };
}

/** The live table: database, pool, wave, state, rows moved, rows/s, ETA, throttle reason. */
export function ttyWatcher(): FleetWatcher {
  const multi = new cliProgress.MultiBar(
    { format: " {db} {pool} w{wave} {state} |{bar}| {value}/{total} rows {rate} rows/s ETA {eta} {throttle}", hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + " ".repeat(n - s.length));
  return {
    stop: () => multi.stop(),
    onEvent: (e) => {
      if (e.type === "wave-start") multi.log(`wave ${e.wave} (${e.kind}): ${e.databases.length} database(s)\n`);
      if (e.type === "stopped") multi.log(`stopped: ${e.reason}\n`);
      if (e.type === "db-start") bars.set(e.db, multi.create(1, 0, { db: pad(e.db, 28), pool: pad(e.pool, 14), wave: e.wave, state: pad("running", 11), rate: 0, eta: "-", throttle: "" }));
      if (e.type === "db-end") {
        const bar = bars.get(e.db);
        if (bar) bar.update({ state: pad(e.outcome, 11), throttle: e.error ? e.error.slice(0, 40) : "" });
        else multi.log(`  ${e.db}: ${e.outcome}\n`);
      }
      if (e.type === "db-progress") {
        const bar = bars.get(e.db);
        const ev = e.event;
        if (!bar) return;
        if (ev.type === "backfill") {
          bar.setTotal(Math.max(1, ev.rowsEstimated));
          bar.update(ev.rowsDone, { state: pad("backfilling", 11), rate: Math.round(ev.rowsPerSec), eta: eta(ev.etaMs), throttle: "" });
        } else if (ev.type === "throttle") bar.update({ throttle: ev.reason.slice(0, 40) });
        else if (ev.type === "migration") bar.update({ state: pad(ev.state, 11) });
      }
    },
  };
}
