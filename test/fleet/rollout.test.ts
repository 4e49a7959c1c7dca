// Fleet rollouts on real PostgreSQL: 12 databases on the embedded server (3 elastic pools + 2 Hyperscale) reached
// through --url-template. Concurrency is asserted from the scheduler's own start/end events (recorded
// synchronously), and interleavings are forced with barriers in the beforeApply hook, never with timing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { templateConnector } from "../../schema/fleet/connect";
import { fleetStatus, rollout } from "../../schema/fleet/rollout";
import { setStatus } from "../../schema/plan";
import { planWaves } from "../../schema/fleet/waves";
import type { FleetEvent, FleetTarget } from "../../schema/fleet/types";
import { adminUrl, createTestDatabase, type TestDatabase } from "../support/postgres";
import { CONFORMANCE, connect, fhirSet, one, seed } from "../schema/helpers";

const SET = "fhir-partitioning";
// gp-01×4, gp-02×3, bc-01×3, 2 Hyperscale; interleaved so a wave of 3 (25 %) holds three different pools.
const POOLS = ["gp-01", "gp-02", "bc-01", "hs", "gp-01", "gp-02", "bc-01", "hs", "gp-01", "gp-02", "bc-01", "gp-01"];

let dbs: TestDatabase[] = [];
let targets: FleetTarget[] = [];
const template = () => adminUrl().replace(/\/[^/?]*(\?|$)/, "/{database}$1");

async function fingerprint(db: TestDatabase): Promise<{ n: number; sum: string }> {
  const s = await connect(db.url);
  try {
    const n = Number(await one<string>(s, "SELECT count(*)::text FROM fhir.resource"));
    const sum = await one<string>(s, "SELECT md5(string_agg(resource_id || ':' || version || ':' || md5(raw_resource), ',' ORDER BY resource_id, version)) FROM fhir.resource");
    return { n, sum };
  } finally {
    await s.close();
  }
}

/** Per-pool concurrency and order, from db-start/db-end events. */
function recorder() {
  const events: FleetEvent[] = [];
  const running = new Map<string, number>();
  const maxPerPool = new Map<string, number>();
  return {
    events,
    maxPerPool,
    onEvent: (e: FleetEvent) => {
      if (e.type === "db-progress") return;
      events.push(e);
      if (e.type === "db-start") {
        const n = (running.get(e.pool) ?? 0) + 1;
        running.set(e.pool, n);
        maxPerPool.set(e.pool, Math.max(maxPerPool.get(e.pool) ?? 0, n));
      }
      if (e.type === "db-end" && e.outcome !== "skipped") running.set(e.pool, (running.get(e.pool) ?? 1) - 1);
    },
  };
}

async function freshFleet(): Promise<void> {
  await Promise.all(dbs.map((d) => d.drop()));
  dbs = [];
  for (let i = 0; i < POOLS.length; i++) {
    const db = await createTestDatabase("fleet");
    await seed(db.url, 300 + i * 50);
    dbs.push(db);
  }
  targets = dbs.map((db, i) => ({
    id: `c${i}/${db.name}`,
    stack: `dev-c${i}`,
    customer: `c${i}`,
    database: db.name,
    engine: "postgres",
    serverFqdn: "embedded",
    pool: POOLS[i] === "hs" ? `hyperscale:${db.name}` : POOLS[i],
    sizeGb: 10 + i,
  }));
}

describe("schema rollout over a fleet (real PostgreSQL)", () => {
  beforeAll(freshFleet, 120_000);
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it("runs the canary first and alone, holds one backfill per pool, and completes every database with its rows intact", async () => {
    const before = await Promise.all(dbs.map(fingerprint));
    const waves = planWaves(targets, { batchPercent: 50 });
    expect(waves.map((w) => w.targets.length)).toEqual([1, 6, 5]);
    expect(waves[0].targets[0].id).toBe(targets[0].id); // the smallest
    const rec = recorder();
    // Barrier: the first database of wave 1 waits until a second one (another pool) has started; a serial
    // scheduler would never release it (the hook then fails the test).
    let released: () => void = () => undefined;
    const secondStarted = new Promise<void>((r) => (released = r));
    let wave1Started = 0;
    const r = await rollout({
      setName: SET,
      waves,
      connector: templateConnector(template()),
      concurrency: 4,
      perPool: 1,
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === "db-start" && e.wave === 1 && ++wave1Started === 2) released();
      },
      beforeApply: async (t) => {
        if (t.id === waves[1].targets[0].id) {
          const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error("no second database started while the first was held")), 30_000));
          await Promise.race([secondStarted, timeout]);
        }
      },
    });
    expect(r.state).toBe("completed");
    expect(r.databases.every((d) => d.outcome === "completed")).toBe(true);
    // One per pool at a time; every pool was used.
    for (const [pool, max] of rec.maxPerPool) expect(max, pool).toBe(1);
    expect(rec.maxPerPool.size).toBe(5);
    // Canary: its db-end precedes every other start.
    const starts = rec.events.filter((e) => e.type === "db-start");
    expect(starts[0]).toMatchObject({ db: waves[0].targets[0].id, wave: 0 });
    const canaryEnd = rec.events.findIndex((e) => e.type === "db-end" && e.wave === 0);
    expect(rec.events.findIndex((e) => e.type === "db-start" && e.wave === 1)).toBeGreaterThan(canaryEnd);
    // Waves are sequential: wave 2 starts after every wave-1 database ended.
    const lastWave1End = rec.events.map((e, i) => (e.type === "db-end" && e.wave === 1 ? i : -1)).reduce((a, b) => Math.max(a, b));
    expect(rec.events.findIndex((e) => e.type === "db-start" && e.wave === 2)).toBeGreaterThan(lastWave1End);
    expect(await Promise.all(dbs.map(fingerprint))).toEqual(before);
    const status = await fleetStatus(targets, templateConnector(template()), SET);
    expect(status.map((s) => s.state)).toEqual(targets.map(() => "completed"));
  }, 300_000);

  it("re-running a completed rollout skips every database after a ledger probe", async () => {
    const rec = recorder();
    const r = await rollout({ setName: SET, waves: planWaves(targets, { batchPercent: 50 }), connector: templateConnector(template()), concurrency: 4, perPool: 1, onEvent: rec.onEvent });
    expect(r.state).toBe("completed");
    expect(r.databases.map((d) => d.outcome)).toEqual(targets.map(() => "skipped"));
    expect(rec.events.some((e) => e.type === "db-start")).toBe(false);
  }, 120_000);
});

describe("stop and resume (real PostgreSQL)", () => {
  beforeAll(freshFleet, 120_000);
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
    dbs = [];
  });

  it("a pause at a wave boundary, then a re-run, completes the fleet; finished databases are skipped by the ledger probe", async () => {
    const before = await Promise.all(dbs.map(fingerprint));
    const waves = planWaves(targets, { batchPercent: 34 });
    let pause = false;
    const first = await rollout({
      setName: SET,
      waves,
      connector: templateConnector(template()),
      concurrency: 3,
      perPool: 1,
      shouldPause: () => pause,
      onEvent: (e) => {
        if (e.type === "wave-end" && e.wave === 1) pause = true; // Ctrl-C stands for this flag
      },
    });
    expect(first.state).toBe("paused");
    const doneFirst = first.databases.filter((d) => d.outcome === "completed" || d.outcome === "skipped").map((d) => d.id);
    expect(doneFirst.length).toBeGreaterThan(0);
    expect(first.databases.filter((d) => d.wave >= 2).every((d) => d.outcome === "not-started")).toBe(true);
    const rec = recorder();
    const second = await rollout({ setName: SET, waves, connector: templateConnector(template()), concurrency: 3, perPool: 1, onEvent: rec.onEvent });
    expect(second.state).toBe("completed");
    for (const d of second.databases) expect(d.outcome, d.id).toBe(doneFirst.includes(d.id) ? "skipped" : "completed");
    for (const [pool, max] of rec.maxPerPool) expect(max, pool).toBe(1);
    expect(await Promise.all(dbs.map(fingerprint))).toEqual(before);
    expect((await fleetStatus(targets, templateConnector(template()), SET)).every((s) => s.state === "completed")).toBe(true);
  }, 300_000);
});

/** Every database's state read directly from its own ledger (what `schema status` must agree with). */
async function ledgerStates(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < dbs.length; i++) {
    const s = await connect(dbs[i].url);
    try {
      out.set(targets[i].id, (await setStatus(s, SET, fhirSet())).state);
    } finally {
      await s.close();
    }
  }
  return out;
}

describe("a real validation failure in wave 2 (real PostgreSQL)", () => {
  beforeAll(freshFleet, 120_000);
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
    dbs = [];
  });

  it("stops wave 3 from starting, lets wave 2's running databases finish, status agrees; fixed data + re-run completes", async () => {
    const waves = planWaves(targets, { batchPercent: 25 });
    expect(waves.map((w) => w.targets.length)).toEqual([1, 3, 3, 3, 2]);
    const failing = waves[2].targets[0];
    expect(new Set(waves[2].targets.map((t) => t.pool)).size).toBe(3); // all three can run at once
    // The corruption: a clinical (non-conformance) row already in the system partition, as a half-upgraded
    // application would write it. The set's own check other_rows_in_partition_1 finds it; the repair pass cannot
    // (it only moves conformance rows in).
    const bad = dbs[targets.indexOf(failing)];
    const s = await connect(bad.url);
    let corrupted: string;
    try {
      await s.query("ALTER TABLE fhir.resource ADD COLUMN partition_id smallint NOT NULL DEFAULT 2");
      corrupted = await one<string>(
        s,
        `UPDATE fhir.resource SET partition_id = 1 WHERE (resource_type_id, resource_surrogate_id) =
           (SELECT r.resource_type_id, r.resource_surrogate_id FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id)
             WHERE t.name <> ALL($1::text[]) ORDER BY r.resource_surrogate_id LIMIT 1)
         RETURNING resource_id`,
        [CONFORMANCE],
      );
    } finally {
      await s.close();
    }
    const rec = recorder();
    const r = await rollout({ setName: SET, waves, connector: templateConnector(template()), concurrency: 3, perPool: 1, onEvent: rec.onEvent });
    expect(r.state).toBe("failed");
    expect(r.databases.find((d) => d.id === failing.id)).toMatchObject({ outcome: "failed", error: expect.stringMatching(/validation failed: other_rows_in_partition_1 = 1/) });
    // No database of wave 3 or later started; the wave never began.
    expect(rec.events.filter((e) => e.type === "wave-start").map((e) => (e as { wave: number }).wave)).toEqual([0, 1, 2]);
    expect(r.databases.filter((d) => d.wave >= 3).map((d) => d.outcome)).toEqual(r.databases.filter((d) => d.wave >= 3).map(() => "not-started"));
    // The other two databases of wave 2 were running alongside and finished their work.
    const others = waves[2].targets.filter((t) => t !== failing).map((t) => t.id);
    for (const id of others) {
      expect(rec.events.some((e) => e.type === "db-start" && e.db === id), id).toBe(true);
      expect(r.databases.find((d) => d.id === id)!.outcome, id).toBe("completed");
    }
    // status (ledgers alone) agrees with each ledger read directly and with the outcome.
    const ledgers = await ledgerStates();
    expect(ledgers.get(failing.id)).toBe("failed");
    const status = new Map((await fleetStatus(targets, templateConnector(template()), SET)).map((x) => [x.id, x.state]));
    expect(status).toEqual(ledgers);
    for (const d of r.databases) if (d.id !== failing.id) expect(status.get(d.id), d.id).toBe(d.outcome === "completed" ? "completed" : "not-applied");

    // Fixing the data and running the same rollout again completes the fleet: the failed database re-validates.
    const fix = await connect(bad.url);
    try {
      await fix.query("UPDATE fhir.resource SET partition_id = 2 WHERE resource_id = $1 AND partition_id = 1", [corrupted]);
    } finally {
      await fix.close();
    }
    const again = await rollout({ setName: SET, waves, connector: templateConnector(template()), concurrency: 3, perPool: 1 });
    expect(again.state).toBe("completed");
    expect(again.databases.find((d) => d.id === failing.id)!.outcome).toBe("completed");
    expect([...(await ledgerStates()).values()].every((x) => x === "completed")).toBe(true);
  }, 300_000);
});
