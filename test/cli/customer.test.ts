// `sqlfleet customer add`: placement over the committed fleet, the stack file it writes, and "add a pool".
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCustomerConfig, stackFilePath } from "../../stacks/fleet";
import { scratchFleet } from "./fleet-root";
import { runCli } from "./run-cli";

describe("sqlfleet customer add", () => {
  it("puts a small database in the best-fitting pool and a fast-growing one in Hyperscale, and writes a valid stack file", async () => {
    const root = scratchFleet();
    const r = await runCli("customer", "add", "prod", "narayana", "--fhir-gb", "900", "--dicom-gb", "2000", "--display-name", "Narayana Health", "--root", root, "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.written).toBe(true);
    expect(body.decisions).toEqual([
      expect.objectContaining({ role: "dicom", projectedGb: 3907, placement: { tier: "hyperscale", vCores: 8 } }),
      // gp-01 holds 2540 GB and gp-02 2930 GB of their 3276 GB at 80 %: only bc-01 (1383 GB) has room for 1758 GB.
      expect.objectContaining({ role: "fhir", projectedGb: 1758, placement: { tier: "pool", pool: "bc-01", maxSizeGb: 1760 } }),
    ]);
    const file = path.join(root, "Pulumi.prod-narayana.yaml");
    expect(readFileSync(file, "utf8")).toMatch(/^# prod-narayana: written by `sqlfleet customer add`/);
    const cfg = loadCustomerConfig("prod-narayana", file);
    expect(cfg).toMatchObject({ customer: "narayana", displayName: "Narayana Health", fhir: { sizeGb: 900, placement: { pool: "bc-01" } }, dicom: { placement: { tier: "hyperscale" } } });
  });

  it("--dry-run writes nothing", async () => {
    const root = scratchFleet();
    const r = await runCli("customer", "add", "prod", "hcg", "--fhir-gb", "100", "--root", root, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--dry-run: would write/);
    expect(existsSync(stackFilePath("prod-hcg", root))).toBe(false);
  });

  it("says which pool to add when no pool has room, and writes nothing", async () => {
    const root = scratchFleet();
    const r = await runCli("customer", "add", "prod", "wns", "--fhir-gb", "1600", "--dicom-gb", "1600", "--growth-per-year", "0", "--root", root, "--json");
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out);
    expect(body.ok).toBe(false);
    expect(body.written).toBe(false);
    expect(body.addPool).toEqual([expect.objectContaining({ name: "gp-03", edition: "GeneralPurpose", vCores: 8, maxDataGb: 2048 })]);
    expect(body.message).toMatch(/add pool gp-03 \(GeneralPurpose, 8 vCores, 2048 GB\) to Pulumi.prod.yaml sqlfleet:pools/);
    expect(existsSync(stackFilePath("prod-wns", root))).toBe(false);
  });

  it("refuses a customer that already has a stack, and a database above the Hyperscale bound (exit 2)", async () => {
    const dup = await runCli("customer", "add", "prod", "fortis", "--fhir-gb", "10", "--json");
    expect(dup.code).toBe(2);
    expect(JSON.parse(dup.out).message).toMatch(/Pulumi.prod-fortis.yaml already exists/);
    const huge = await runCli("customer", "add", "prod", "giant", "--fhir-gb", "153600", "--dry-run");
    expect(huge.code).toBe(2);
    expect(huge.err).toMatch(/prod-giant fhir: sizeGb = 153600 is not allowed; the largest database Azure SQL holds is 102400 GB/);
  });
});
