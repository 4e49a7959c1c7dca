// Generated fleets for bench/plan.bench.ts: an environment and N customer stacks written as Pulumi.<stack>.yaml
// files in a scratch directory, placed with the same `customer add` logic the CLI uses.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { packDatabases } from "../placement/packing";
import { projectSizeGb } from "../placement/tier";
import { PROJECT_ROOT } from "../stacks/fleet";
import { prng } from "../schema/prng";


/** Writes env `bench` (prod's settings, pools sized for the fleet) and N customers; returns the directory and stacks. */
export function generateFleet(n: number, seed = 7): { root: string; stacks: string[]; pools: number } {
  const root = mkdtempSync(path.join(os.tmpdir(), `sqlfleet-bench-${n}-`));
  const r = prng(seed);
  type Db = { sizeGb: number; tier: "pool" | "hyperscale" };
  const customers: { name: string; fhir: Db; dicom?: Db }[] = [];
  for (let i = 0; i < n; i++) {
    // Many small tenants, one in ten large enough for Hyperscale (seed 003: from under 1 TB to tens of TB).
    const big = r() < 0.1;
    const fhir = big ? 4000 + Math.round(r() * 40000) : 5 + Math.round(r() * 120);
    const dicom = r() < 0.6 ? 5 + Math.round(r() * 80) : undefined;
    customers.push({ name: `c${String(i).padStart(4, "0")}`, fhir: { sizeGb: fhir, tier: big ? "hyperscale" : "pool" }, ...(dicom ? { dicom: { sizeGb: dicom, tier: "pool" as const } } : {}) });
  }
  const demands = customers.flatMap((c) =>
    (["fhir", "dicom"] as const)
      .filter((role) => c[role]?.tier === "pool")
      .map((role) => {
        const projected = projectSizeGb({ sizeGb: c[role]!.sizeGb, growthPerYear: 0.25, horizonYears: 3 });
        return { name: `${c.name}/${role}`, storageGb: projected, maxSizeGb: Math.ceil(projected / 32) * 32, vCores: 0 };
      }),
  );
  const packed = packDatabases(demands, [], { fillTarget: 0.8, newPool: { edition: "GeneralPurpose", vCores: 32, namePrefix: "gp" } });
  const prod = YAML.parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  prod.config["sqlfleet:namePrefix"] = "sqlfbench";
  prod.config["sqlfleet:pools"] = packed.opened.map((p) => ({ name: p.name, edition: p.edition, vCores: p.vCores }));
  writeFileSync(path.join(root, "Pulumi.bench.yaml"), YAML.stringify(prod));
  const stacks: string[] = [];
  for (const c of customers) {
    const config: Record<string, unknown> = { "sqlfleet:customer": c.name, "sqlfleet:displayName": `Customer ${c.name}` };
    for (const role of ["fhir", "dicom"] as const) {
      const db = c[role];
      if (!db) continue;
      const pool = packed.assignments.get(`${c.name}/${role}`);
      const projected = projectSizeGb({ sizeGb: db.sizeGb, growthPerYear: 0.25, horizonYears: 3 });
      config[`sqlfleet:${role}`] = {
        sizeGb: db.sizeGb,
        placement: pool ? { tier: "pool", pool, maxSizeGb: Math.ceil(projected / 32) * 32 } : { tier: "hyperscale", vCores: 8 },
      };
    }
    const stack = `bench-${c.name}`;
    writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
    stacks.push(stack);
  }
  return { root, stacks, pools: packed.opened.length };
}
