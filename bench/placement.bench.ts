// Placement at scale: 10,000 databases packed into General Purpose pools (opened as needed), time and pools used
// against the lower bound (max over storage, vCores and database count). Targets: < 1 s, ≤ 5 % over the bound.
import { packDatabases, poolLowerBound, poolSpec, projectSizeGb, type DatabaseDemand } from "../placement";
import { prng } from "../schema/prng";


/** A fleet shaped like seed 003's: most tenants small, a long tail up to the 4 TB pooled limit. */
export function generateFleet(n: number, seed = 42): DatabaseDemand[] {
  const r = prng(seed);
  const out: DatabaseDemand[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const size = u < 0.7 ? 5 + r() * 150 : u < 0.95 ? 150 + r() * 600 : 750 + r() * 1300; // GB today
    const projected = projectSizeGb({ sizeGb: size, growthPerYear: 0.25, horizonYears: 3 });
    const vCores = [0.25, 0.5, 0.5, 1, 1, 2][Math.floor(r() * 6)];
    out.push({ name: `db-${i}`, storageGb: Math.min(projected, 3200), maxSizeGb: Math.min(4096, Math.ceil(projected / 32) * 32), vCores });
  }
  return out;
}

export async function run(): Promise<void> {
  const fill = 0.8;
  const rows: string[][] = [["databases", "pool size", "time ms", "pools used", "lower bound", "over bound"]];
  for (const n of [1_000, 10_000]) {
    for (const vCores of [32, 80]) {
      const dbs = generateFleet(n);
      const t0 = performance.now();
      const result = packDatabases(dbs, [], { fillTarget: fill, newPool: { edition: "GeneralPurpose", vCores } });
      const ms = performance.now() - t0;
      const lb = poolLowerBound(dbs, poolSpec("x", "GeneralPurpose", vCores), fill);
      if (result.unplaced.length > 0) throw new Error(`${result.unplaced.length} databases unplaced`);
      rows.push([String(n), `GP ${vCores}`, ms.toFixed(0), String(result.opened.length), String(lb), `${(((result.opened.length - lb) / lb) * 100).toFixed(1)}%`]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));
  console.log("targets: 10,000 databases in < 1000 ms, pools used ≤ 5% over the lower bound");
}

if (require.main === module) void run();
