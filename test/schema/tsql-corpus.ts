// Every T-SQL statement sqlfleet can send to SQL Server, collected through the code that renders it (never
// copied as strings): the fhir-partitioning set's steps (via plan's staticStatements), the staging strategy's
// batches, the dialect's ledger DDL and backfill SQL, the Ledger's queries and the session's own statements.
// A recording session / driver stub captures text only; nothing here stands in for a database's behaviour.
import { staticStatements } from "../../schema/plan";
import { Ledger } from "../../schema/ledger";
import { MssqlSession, SESSION_SETTINGS, mssqlDialect } from "../../schema/dialects/mssql";
import { buildSet } from "../../schema/sets";
import { fhirSchemaVersionQuery } from "../../schema/sets/fhir-partitioning/fhir-server-schema";
import {
  MSSQL_COMPARE,
  MSSQL_COPY_BATCH,
  MSSQL_REGISTER_TYPES,
  SQLFLEET_STORE_INDEXES,
  mssqlCutover,
  mssqlDropRetired,
  mssqlSetupBatches,
  mssqlSwitchBack,
} from "../../schema/strategies/staging/mssql";
import type { DbSession, QueryResult } from "../../schema/types";

export interface TsqlStatement {
  /** Stable key: where the statement comes from (e.g. `set 0002/validate #3`). */
  key: string;
  sql: string;
}

/** A session that records the text it is asked to run and returns no rows. */
function recordingSession(out: string[], rowCount = 0): DbSession {
  const s: DbSession = {
    dialect: mssqlDialect,
    async query<T>(sql: string): Promise<QueryResult<T>> {
      out.push(sql);
      return { rows: [], rowCount };
    },
    transaction: (fn) => fn(s),
    setTimeouts: async () => undefined,
    tryLock: async () => true,
    unlock: async () => undefined,
    health: async () => ({}),
    close: async () => undefined,
  };
  return s;
}

function setStatements(): TsqlStatement[] {
  const set = buildSet("fhir-partitioning", "mssql", { conformanceTypes: ["CodeSystem", "ValueSet"] });
  const steps = set.migrations.flatMap((m) =>
    m.steps.flatMap((s) => staticStatements(mssqlDialect, s).map((sql, i) => ({ key: `set ${m.id}/${s.name} #${i + 1}`, sql }))),
  );
  // The set's read-only preconditions, and the text the version precondition runs through sp_executesql (a
  // string literal inside its batch).
  const preconditions = (set.preconditions ?? []).map((p) => ({ key: `set precondition/${p.name}`, sql: p.sql.sql }));
  return [...preconditions, ...steps, { key: "set precondition/FHIR server schema version (sp_executesql text)", sql: fhirSchemaVersionQuery() }];
}

function stagingStatements(): TsqlStatement[] {
  const named: [string, string][] = [
    ...mssqlSetupBatches().map((sql, i): [string, string] => [`staging setup (FHIR indexes) #${i + 1}`, sql]),
    ...mssqlSetupBatches(SQLFLEET_STORE_INDEXES).map((sql, i): [string, string] => [`staging setup (sqlfleet indexes) #${i + 1}`, sql]),
    ["staging register types", MSSQL_REGISTER_TYPES],
    ["staging copy batch", MSSQL_COPY_BATCH],
    ["staging compare", MSSQL_COMPARE],
    ["staging cutover", mssqlCutover()],
    ["staging switch back", mssqlSwitchBack()],
    ["staging drop retired", mssqlDropRetired(3)],
  ];
  return named.map(([key, sql]) => ({ key, sql }));
}

async function ledgerStatements(): Promise<TsqlStatement[]> {
  const out: string[] = [];
  const l = new Ledger(recordingSession(out));
  await l.ensure();
  await l.exists();
  await l.migrations("fhir-partitioning");
  await l.startMigration({ setName: "s", migrationId: "m", seq: 1, checksum: "c", state: "running", options: {} });
  await l.setMigrationState("s", "m", "completed");
  await l.setMigrationState("s", "m", "failed", "boom");
  await l.steps("s", "m");
  await l.setStep({ setName: "s", migrationId: "m", stepNo: 1, name: "n", kind: "ddl" }, "running", { attempt: true, beforeImage: [] });
  await l.setStep({ setName: "s", migrationId: "m", stepNo: 1, name: "n", kind: "ddl" }, "done");
  await l.checkpoints("s");
  await l.checkpoints("s", "m");
  const cp = { setName: "s", migrationId: "m", task: "t/x", direction: "forward" as const, scopeValue: 1, lastKey: "0", highWaterKey: "9", rowsDone: 0, rowsEstimated: 9, batchSize: 10, emaRowsPerSec: 0, state: "running" as const };
  await l.insertCheckpoint(cp);
  // One row updated, as the ledger requires of an advance.
  await l.advanceCheckpoint(recordingSession(out, 1), cp, { lastKey: "5", rowsAdded: 5, batchSize: 10, ema: 1, state: "running" });
  await l.deleteCheckpoints("s", "m", "forward");
  await l.event("s", "m", "start", { a: 1 });
  await l.events("s");
  return [...new Set(out)].map((sql, i) => ({ key: `ledger #${i + 1}`, sql }));
}

async function sessionStatements(): Promise<TsqlStatement[]> {
  const out: string[] = [SESSION_SETTINGS];
  // A driver stub: the real session class builds the text; the stub records it and returns empty results.
  const request = () => ({ input: () => undefined, query: async (sql: string) => (out.push(sql), { recordset: [], rowsAffected: [0] }) });
  const pool = { request, transaction: () => ({ request, begin: async () => undefined, commit: async () => undefined, rollback: async () => undefined }), close: async () => undefined };
  const s = new MssqlSession(mssqlDialect, pool as unknown as ConstructorParameters<typeof MssqlSession>[1]);
  await s.setTimeouts({ lockMs: 3000, statementMs: 60_000 });
  await s.tryLock("sqlfleet:schema-runner");
  await s.unlock("sqlfleet:schema-runner");
  await s.health();
  return out.map((sql, i) => ({ key: `session #${i + 1}`, sql }));
}

/** All statements, deduplicated by text (the first key wins). */
export async function allTsqlStatements(): Promise<TsqlStatement[]> {
  const all = [...setStatements(), ...stagingStatements(), ...mssqlDialect.ledgerDdl("sqlfleet").map((sql, i) => ({ key: `ledger ddl #${i + 1}`, sql })), ...(await ledgerStatements()), ...(await sessionStatements())];
  const seen = new Set<string>();
  return all.filter((x) => (seen.has(x.sql) ? false : (seen.add(x.sql), true)));
}
