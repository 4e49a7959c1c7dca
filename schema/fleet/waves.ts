// Splits the fleet into waves: a canary wave first (default the smallest database), then batches of a percentage
// of the fleet, smallest first so problems surface on cheap databases.
import type { FleetTarget, Wave } from "./types";

export interface WaveOptions {
  /** Database ids (or database names) of the canary wave; default: the single smallest database. */
  canary?: string[];
  /** Size of each later wave as a percentage of the whole fleet (1..100). */
  batchPercent: number;
}

export function planWaves(targets: readonly FleetTarget[], opts: WaveOptions): Wave[] {
  if (!Number.isFinite(opts.batchPercent) || opts.batchPercent <= 0 || opts.batchPercent > 100) {
    throw new Error(`--batch-percent must be from 1 to 100; got ${opts.batchPercent}`);
  }
  if (targets.length === 0) return [];
  const sorted = [...targets].sort((a, b) => a.sizeGb - b.sizeGb || a.id.localeCompare(b.id));
  let canary: FleetTarget[];
  if (opts.canary && opts.canary.length > 0) {
    const unknown = opts.canary.filter((c) => !sorted.some((t) => t.id === c || t.database === c));
    if (unknown.length > 0) throw new Error(`--canary ${unknown.join(", ")} is not a database of the fleet; allowed: ${sorted.map((t) => t.id).join(", ")}`);
    canary = sorted.filter((t) => opts.canary!.includes(t.id) || opts.canary!.includes(t.database));
  } else {
    canary = [sorted[0]];
  }
  const rest = sorted.filter((t) => !canary.includes(t));
  const size = Math.max(1, Math.ceil((targets.length * opts.batchPercent) / 100));
  const waves: Wave[] = [{ index: 0, kind: "canary", targets: canary }];
  for (let i = 0; i < rest.length; i += size) waves.push({ index: waves.length, kind: "batch", targets: rest.slice(i, i + size) });
  return waves;
}
