// The flexible-server parameters: names the PostgresServer component accepts, and values inside the ranges and
// units a real PostgreSQL reports for them (pg_settings of the embedded server).
import pg from "pg";
import { describe, expect, it } from "vitest";
import { edfiServerParameterDocs, edfiServerParameters } from "../../schema/sets/edfi-dms-tuning/server-parameters";
import { adminUrl } from "../support/postgres";

describe("edfiServerParameters", () => {
  it("is a plain name → value object with lower-case parameter names", () => {
    expect(Object.keys(edfiServerParameters).sort()).toEqual(Object.keys(edfiServerParameterDocs).sort());
    for (const [k, v] of Object.entries(edfiServerParameters)) {
      expect(k).toMatch(/^[a-z][a-z0-9_.]{0,127}$/);
      expect(typeof v).toBe("string");
    }
    expect(edfiServerParameters.autovacuum_vacuum_cost_limit).toBe("2000");
  });

  it("has values within the ranges and units PostgreSQL reports; only the Azure-side names are unknown here", async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    try {
      const r = await c.query<{ name: string; vartype: string; unit: string | null; min_val: string | null; max_val: string | null; context: string }>(
        "SELECT name, vartype, unit, min_val, max_val, context FROM pg_settings WHERE name = ANY($1::text[])",
        [Object.keys(edfiServerParameters)],
      );
      const known = new Map(r.rows.map((x) => [x.name, x]));
      expect(Object.keys(edfiServerParameters).filter((k) => !known.has(k)).sort()).toEqual(["azure.extensions", "pg_stat_statements.track"]);
      for (const [name, s] of known) {
        const v = edfiServerParameters[name];
        if (s.vartype === "bool") expect(["on", "off"], name).toContain(v);
        if (s.vartype === "integer" || s.vartype === "real") {
          expect(Number(v), name).toBeGreaterThanOrEqual(Number(s.min_val));
          expect(Number(v), name).toBeLessThanOrEqual(Number(s.max_val));
        }
        // None needs a restart (the component applies them to a running server).
        expect(s.context, name).not.toBe("postmaster");
      }
      const units = Object.fromEntries([...known].map(([k, s]) => [k, s.unit]));
      expect(units).toMatchObject({ autovacuum_naptime: "s", autovacuum_vacuum_cost_delay: "ms", autovacuum_work_mem: "kB", maintenance_work_mem: "kB", max_wal_size: "MB", log_autovacuum_min_duration: "ms" });
    } finally {
      await c.end();
    }
  });
});
