// The dynamic provider behind DatabaseSchema: one module-level object, drivers required inside methods, nothing
// live captured (research/pulumi.md §1, §7). The database ledger, not Pulumi state, is the source of truth.
import { planSet, setStatus } from "../plan";
import { applySet, rollbackSet } from "../runner";
import { buildSet } from "../sets";
import type { RunResult } from "../types";
import { openSession } from "./connect";
import { checkInputs, type SchemaInputs, type SchemaOutputs } from "./inputs";

const IDENTITY_FIELDS = ["serverFqdn", "databaseName", "engine", "migrationSet"] as const;

function resourceId(i: SchemaInputs): string {
  return `${i.engine}://${i.serverFqdn}/${i.databaseName}#${i.migrationSet}`;
}

function setFor(i: SchemaInputs) {
  return buildSet(i.migrationSet, i.engine, i.options ?? {});
}

/** Applies (or resumes) the set; returns outputs, or throws a partial-state error when stopped by the time budget. */
async function applyFor(i: SchemaInputs, id: string): Promise<SchemaOutputs> {
  const set = setFor(i);
  const session = await openSession(i);
  let r: RunResult;
  try {
    r = i.paused
      ? { setName: set.name, state: "paused", applied: [], validation: {}, rowsMoved: 0 }
      : await applySet(session, set, {
          timeBudgetMs: (i.timeBudgetSeconds ?? 1800) * 1000,
          baseline: i.baseline ?? false,
          appliedBy: `pulumi DatabaseSchema ${id}`,
        });
  } finally {
    await session.close();
  }
  const outs: SchemaOutputs = {
    ...i,
    setChecksum: set.checksum,
    state: r.state,
    appliedMigrations: r.applied,
    rowsMoved: r.rowsMoved,
    validation: r.validation,
  };
  if (r.state !== "completed") {
    // Recorded by the engine as a partially created/updated resource; the next `pulumi up` continues from the ledger.
    const err = new Error(`DatabaseSchema ${id}: ${r.state} (time budget reached or paused); run \`pulumi up\` again to continue`);
    Object.assign(err, { id, properties: outs, reasons: [`schema ${r.state}`] });
    throw err;
  }
  return outs;
}

/**
 * Best effort, bounded: the ledger's view of the set ("completed", "drifted" when it no longer is, or undefined
 * when the database cannot be reached, e.g. during a preview without network). Never throws.
 */
async function ledgerState(i: SchemaInputs, timeoutMs = 5000): Promise<string | undefined> {
  const probe = (async () => {
    const session = await openSession(i);
    try {
      const set = setFor(i);
      const st = await setStatus(session, set.name, set);
      return st.state === "completed" ? "completed" : "drifted";
    } finally {
      await session.close();
    }
  })().catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export const databaseSchemaProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkInputs(news) };
  },

  async diff(_id: string, olds: SchemaOutputs, news: SchemaInputs) {
    const replaces = IDENTITY_FIELDS.filter((k) => olds[k] !== news[k]);
    let checksum: string | undefined;
    try {
      checksum = setFor(news).checksum;
    } catch {
      checksum = undefined; // unknown options during preview
    }
    const changed: string[] = [];
    if (checksum === undefined || checksum !== olds.setChecksum) changed.push("setChecksum");
    if (olds.state !== "completed") changed.push("state");
    else if (replaces.length === 0 && (await ledgerState(news)) === "drifted") changed.push("ledger");
    for (const k of ["options", "paused", "timeBudgetSeconds", "baseline", "rollbackOnDelete", "authentication", "user", "password", "passwordSecretUri", "port", "ssl"] as const) {
      if (JSON.stringify(olds[k]) !== JSON.stringify(news[k])) changed.push(k);
    }
    return {
      changes: replaces.length > 0 || changed.length > 0,
      replaces: [...replaces],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: SchemaInputs) {
    const id = resourceId(inputs);
    return { id, outs: await applyFor(inputs, id) };
  },

  async update(id: string, _olds: SchemaOutputs, news: SchemaInputs) {
    return { outs: await applyFor(news, id) };
  },

  /** Refresh: report the ledger's state and whether the database still matches the set (drift). */
  async read(id: string, props: SchemaOutputs) {
    const session = await openSession(props);
    try {
      const set = setFor(props);
      const st = await setStatus(session, set.name, set);
      const plan = await planSet(session, set);
      const drift = plan.problems.length > 0 || plan.pendingMigrations > 0;
      return { id, props: { ...props, state: drift && st.state === "completed" ? "drifted" : st.state } };
    } finally {
      await session.close();
    }
  },

  /** Leaves schema and data alone unless rollbackOnDelete is set explicitly. */
  async delete(_id: string, props: SchemaOutputs) {
    if (!props.rollbackOnDelete) return;
    const session = await openSession(props);
    try {
      await rollbackSet(session, setFor(props));
    } finally {
      await session.close();
    }
  },
};
