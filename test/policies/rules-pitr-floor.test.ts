// The point-in-time-restore floor per environment kind (sqlfleet-sql-db-short-term-retention): mandatory below the
// production floor in prod, advisory elsewhere, the floor configurable. Failing cases in prod are in cases.ts.
import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../policies/runner";
import { recordFleet } from "./fleet-fixture";

const ID = "sqlfleet-sql-db-short-term-retention";
const levels = async (...args: Parameters<typeof evaluatePolicies>) => (await evaluatePolicies(...args)).filter((d) => d.policyId === ID).map((d) => d.enforcementLevel);

describe(ID, () => {
  it("1 day outside production is advisory, not mandatory", async () => {
    expect(await levels(await recordFleet({ stack: "dev", set: { str: { retentionDays: 1 } } }))).toEqual(["advisory"]);
  });
  it("unset retention (Azure's 7 days) in production is advisory only (at the floor)", async () => {
    expect(await levels(await recordFleet({ set: { str: { retentionDays: undefined } } }))).toEqual(["advisory"]);
  });
  it("the production floor comes from the pack's policy config", async () => {
    const rec = await recordFleet({ set: { str: { retentionDays: 7 } } });
    expect(await levels(rec, { config: { [ID]: { productionMinPitrDays: 10 } } })).toEqual(["mandatory"]);
    expect(await levels(rec, { config: { [ID]: { productionMinPitrDays: 7, minPitrDays: 7 } } })).toEqual([]);
  });
  it("35 days passes in production", async () => {
    expect(await levels(await recordFleet())).toEqual([]);
  });
});
