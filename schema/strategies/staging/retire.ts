// The explicit, separate step after a staging cutover: drop the retired leaves (the old data). Until it runs,
// rollback switches every leaf back; after it, rollback is refused and the migration can only roll forward.
import { acquireRunnerLock, RUNNER_LOCK_KEY } from "../../runner";
import { Ledger } from "../../ledger";
import type { DbSession } from "../../types";
import { STAGING_MIGRATION_ID } from "./postgres";

export interface SwapRow {
  leafName: string;
  boundValue: number | null;
  state: "staged" | "swapped" | "rolled_back" | "dropped";
  oldName: string;
  lockMs: number | null;
}

/** The per-leaf bookkeeping of the staging strategy (empty when it never ran or was rolled back). */
export async function swapRows(session: DbSession): Promise<SwapRow[]> {
  const exists = await session.query<{ ok: boolean }>("SELECT to_regclass('fhir.resource_swap') IS NOT NULL AS ok");
  if (!exists.rows[0]?.ok) return [];
  const r = await session.query<Record<string, unknown>>(
    "SELECT leaf_name, bound_value, state, old_name, lock_ms FROM fhir.resource_swap ORDER BY swap_id",
  );
  return r.rows.map((x) => ({
    leafName: String(x.leaf_name),
    boundValue: x.bound_value === null ? null : Number(x.bound_value),
    state: String(x.state) as SwapRow["state"],
    oldName: String(x.old_name),
    lockMs: x.lock_ms === null ? null : Number(x.lock_ms),
  }));
}

export interface DropResult {
  dropped: string[];
  freedBytes: number;
}

/**
 * Drops the retired leaf of every switched leaf (and its reverse-sync trigger), one leaf per transaction.
 * Refuses unless the staging migration is completed: the old data is the rollback.
 */
export async function dropRetiredLeaves(session: DbSession, setName = "fhir-partitioning", lockWaitMs = 15_000): Promise<DropResult> {
  await acquireRunnerLock(session, lockWaitMs);
  try {
    const ledger = new Ledger(session);
    const row = (await ledger.exists()) ? (await ledger.migrations(setName)).find((m) => m.migrationId === STAGING_MIGRATION_ID) : undefined;
    if (!row || row.state !== "completed") {
      throw new Error(
        `${setName}: dropping the retired leaves needs migration ${STAGING_MIGRATION_ID} completed; it is ${row?.state ?? "not applied"}`,
      );
    }
    const out: DropResult = { dropped: [], freedBytes: 0 };
    for (const s of await swapRows(session)) {
      if (s.state !== "swapped") continue;
      await session.transaction(async (tx) => {
        const size = await tx.query<{ b: string }>("SELECT coalesce(pg_total_relation_size(to_regclass('fhir.' || quote_ident($1))), 0)::text AS b", [s.oldName]);
        // Names come from our own bookkeeping and are quoted by the server (format %I).
        await tx.query(
          `DO $$ DECLARE s record; BEGIN
             SELECT * INTO s FROM fhir.resource_swap WHERE leaf_name = ${literal(s.leafName)} FOR UPDATE;
             EXECUTE format('DROP TRIGGER IF EXISTS resource_retired_sync ON fhir.%I', s.leaf_name);
             EXECUTE format('DROP TABLE IF EXISTS fhir.%I', s.old_name);
             UPDATE fhir.resource_swap SET state = 'dropped', dropped_at = now() WHERE leaf_name = s.leaf_name;
           END $$`,
        );
        out.freedBytes += Number(size.rows[0]?.b ?? 0);
      });
      out.dropped.push(s.leafName);
    }
    await ledger.event(setName, STAGING_MIGRATION_ID, "retired-leaves-dropped", out);
    return out;
  } finally {
    await session.unlock(RUNNER_LOCK_KEY).catch(() => undefined);
  }
}

/** A leaf name as a SQL literal; only names our own registration accepted (identifier characters) get here. */
function literal(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) throw new Error(`staging strategy: unexpected leaf name ${JSON.stringify(name)}`);
  return `'${name}'`;
}
