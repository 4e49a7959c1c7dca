// Migrations 0005 (aliasId: Reference stores AliasId instead of ReferentialId) and 0006 (only with allowRebuild:
// 16 → 32/64 hash partitions) are the same online rebuild of dms.Reference into another shape. A rebuild rather
// than ALTERs keeps the column order and every generated name exactly as a fresh create of the target shape.
//   stage — a new partitioned table in schema dms_rebuild (same relation/index/constraint names, so after the
//           swap the catalog reads like a fresh create), the tuning reloptions on its leaves, and a row trigger on
//           dms.Reference that mirrors every insert/update/delete into it (ShareRowExclusive on Reference, brief).
//   copy  — the engine's backfill executor walks dms.Reference by (ParentDocumentPartitionKey, Id) in adaptive,
//           checkpointed batches. The executor only knows UPDATE, so each batch is a no-op HOT update whose
//           mirror trigger copies the row; the replay guard is "not yet in the new table". The row lock of that
//           UPDATE also orders the copy against a concurrent delete of the same row. Cost: one extra heap
//           version per row in the table that is about to be dropped.
//   swap  — under AccessExclusive on dms.Reference only (lock_timeout + retry by the runner): row counts must
//           match, the new identity continues after the old one, the old table moves to dms_retired, the new
//           one into dms, and the functions switch if the Alias key changed. A later short step drops the old
//           table (its FK drops lock Document and Alias, which must not happen while Reference is held).
//           Calls of the old function already in flight at the instant of an Alias-key swap fail once
//           (undefined column) and must be retried by the caller; a partition-only swap keeps the functions.
// Migration 0004 (dropping the referenced-document columns) is this rebuild too: a rebuild, unlike DROP COLUMN,
// leaves the columns in the DMS's order when rolled back, so the catalog equals what the DMS scripts created.
// Rollback is the same machinery in the other direction (stage → copy → swap back, with InsertReferences
// replayed from its before-image in the swap's transaction), then the leaf reloptions from their before-image.
// Every down action checks the catalog first, so it works from any partial state.
import type { Migration, SqlStatement } from "../../types";
import { writePathChecks } from "../edfi-dms/catalog-checks";
import { referenceColumns, referenceDdl } from "../edfi-dms/ddl";
import { functionsSql, INSERT_REFERENCES_IMAGE, RESTORE_INSERT_REFERENCES } from "../edfi-dms/functions";
import type { ReferenceShape } from "../edfi-dms/shape";
import { AUTOVACUUM_KEYS, autovacuumSettings } from "./autovacuum";
import { HOT_REFERENCE_INDEXES, rebuiltMark } from "./fillfactor";
import type { EdfiTuningOptions } from "./options";

const STAGE_SCHEMA = "dms_rebuild";
const TRIGGER = "reference_rebuild_mirror";

function leafCount(table: string): string {
  return `(SELECT count(*) FROM pg_partition_tree(to_regclass('${table}')) WHERE isleaf)`;
}

/** SQL: `table` exists in `shape` (its leaf count, the Alias key column it stores, the referenced-document columns). */
function isShape(table: string, shape: ReferenceShape): string {
  const keyColumn = shape.aliasKey === "ReferentialId" ? "referentialid" : "aliasid";
  const column = (name: string) =>
    `EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('${table}') AND attname = '${name}' AND NOT attisdropped)`;
  const referenced = `${column("referenceddocumentid")}`;
  return `(${leafCount(table)} = ${shape.referencePartitions} AND ${column(keyColumn)} AND ${shape.referencedDocumentColumns ? "" : "NOT "}${referenced})`;
}

const TRIGGER_PRESENT = `EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'dms.reference'::regclass AND tgname = '${TRIGGER}' AND tgparentid = 0)`;

/** The value of a target column computed from the NEW row of the live table (maps the Alias key if it changes). */
function mirrorValue(column: string, source: ReferenceShape): string {
  if (column === "AliasId" && source.aliasKey === "ReferentialId") {
    return "(SELECT a.Id FROM dms.alias a WHERE a.ReferentialPartitionKey = NEW.ReferentialPartitionKey AND a.ReferentialId = NEW.ReferentialId)";
  }
  if (column === "ReferentialId" && source.aliasKey === "AliasId") {
    return "(SELECT a.ReferentialId FROM dms.alias a WHERE a.ReferentialPartitionKey = NEW.ReferentialPartitionKey AND a.Id = NEW.AliasId)";
  }
  if ((column === "ReferencedDocumentId" || column === "ReferencedDocumentPartitionKey") && !source.referencedDocumentColumns) {
    // Put back from Alias, as the DMS's InsertReferences fills them.
    const aliasMatch =
      source.aliasKey === "ReferentialId"
        ? "a.ReferentialPartitionKey = NEW.ReferentialPartitionKey AND a.ReferentialId = NEW.ReferentialId"
        : "a.ReferentialPartitionKey = NEW.ReferentialPartitionKey AND a.Id = NEW.AliasId";
    const from = column === "ReferencedDocumentId" ? "a.DocumentId" : "a.DocumentPartitionKey";
    return `(SELECT ${from} FROM dms.alias a WHERE ${aliasMatch})`;
  }
  return `NEW.${column}`;
}

/** plpgsql statements creating the staging table for `shape`, its leaf reloptions and the mirror trigger. */
function stageBody(shape: ReferenceShape, source: ReferenceShape, o: EdfiTuningOptions): string {
  const cols = referenceColumns(shape);
  const values = cols.map((c) => mirrorValue(c, source)).join(", ");
  const avList = autovacuumSettings(o).map((kv) => kv.replace("=", " = ")).join(", ");
  const hotIndexes = HOT_REFERENCE_INDEXES.map((n) => `'${n.replace("dms.", `${STAGE_SCHEMA}.`)}'`).join(", ");
  return [
    `CREATE SCHEMA IF NOT EXISTS ${STAGE_SCHEMA}`,
    ...referenceDdl(shape, STAGE_SCHEMA),
    // Leaves and leaf indexes keep what was set on the live ones of the same name (someone's own settings
    // included; reloptions cannot live on the parent). A leaf the live table lacks gets only the tuning.
    `FOR r IN SELECT s.relid, l.reloptions FROM pg_partition_tree('${STAGE_SCHEMA}.reference') s
               JOIN pg_class sc ON sc.oid = s.relid
               JOIN pg_class l ON l.relname = sc.relname AND l.relnamespace = 'dms'::regnamespace
              WHERE l.reloptions IS NOT NULL
              UNION ALL
             SELECT si.indexrelid, l.reloptions FROM pg_partition_tree('${STAGE_SCHEMA}.reference') s
               JOIN pg_index si ON si.indrelid = s.relid
               JOIN pg_class sc ON sc.oid = si.indexrelid
               JOIN pg_class l ON l.relname = sc.relname AND l.relnamespace = 'dms'::regnamespace
              WHERE s.isleaf AND l.reloptions IS NOT NULL LOOP
      EXECUTE format('ALTER %s %s SET (%s)', CASE WHEN (SELECT relkind FROM pg_class WHERE oid = r.relid) = 'i' THEN 'INDEX' ELSE 'TABLE' END,
                     r.relid::regclass, array_to_string(r.reloptions, ', '));
    END LOOP`,
    // The tuning of 0001/0002 carries over to the new leaves; the new indexes are built with the fillfactor
    // from the start, so they get 0002's marker too.
    `FOR r IN SELECT relid FROM pg_partition_tree('${STAGE_SCHEMA}.reference') WHERE isleaf LOOP
      EXECUTE format('ALTER TABLE %s SET (${avList})', r.relid::regclass);
    END LOOP`,
    `FOR r IN SELECT t.relid FROM unnest(ARRAY[${hotIndexes}]) AS p(name)
               CROSS JOIN LATERAL pg_partition_tree(to_regclass(p.name)) t WHERE t.isleaf LOOP
      EXECUTE format('ALTER INDEX %s SET (fillfactor = ${o.indexFillfactor})', r.relid::regclass);
      EXECUTE format('COMMENT ON INDEX %s IS %L', r.relid::regclass, '${rebuiltMark(o.indexFillfactor)}');
    END LOOP`,
    `CREATE OR REPLACE FUNCTION ${STAGE_SCHEMA}.mirror_reference() RETURNS trigger LANGUAGE plpgsql AS $mirror$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM ${STAGE_SCHEMA}.reference WHERE ParentDocumentPartitionKey = OLD.ParentDocumentPartitionKey AND Id = OLD.Id;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO ${STAGE_SCHEMA}.reference (${cols.join(", ")}) OVERRIDING SYSTEM VALUE
    VALUES (${values}) ON CONFLICT DO NOTHING;
  ELSE
    -- The copy's no-op updates and real ones (ON UPDATE CASCADE from Alias) alike: one upsert per row.
    -- Neither the partition key nor Id can change here (DMS never updates them; Id is an identity).
    INSERT INTO ${STAGE_SCHEMA}.reference (${cols.join(", ")}) OVERRIDING SYSTEM VALUE
    VALUES (${values})
    ON CONFLICT (ParentDocumentPartitionKey, Id) DO UPDATE SET ${cols
      .filter((c) => c !== "Id" && c !== "ParentDocumentPartitionKey")
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(", ")};
  END IF;
  RETURN NULL;
END $mirror$`,
    `CREATE OR REPLACE TRIGGER ${TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON dms.reference
      FOR EACH ROW EXECUTE FUNCTION ${STAGE_SCHEMA}.mirror_reference()`,
  ]
    .map((s) => `    ${s};`)
    .join("\n");
}

/** Stage a copy in shape `to` when dms.Reference is in shape `from` and nothing is staged yet. */
function stageStatement(from: ReferenceShape, to: ReferenceShape, o: EdfiTuningOptions): SqlStatement {
  return {
    sql: `DO $stage$
DECLARE r record;
BEGIN
  IF ${isShape("dms.reference", from)} AND to_regclass('${STAGE_SCHEMA}.reference') IS NULL THEN
${stageBody(to, from, o)}
  END IF;
END $stage$`,
  };
}

/**
 * Swaps the staged table in when it is in shape `staged` and dms.Reference in shape `live`; refuses when the
 * row counts differ. A staging table in any other state is an abandoned rebuild: it is dropped.
 */
function swapStatement(live: ReferenceShape, staged: ReferenceShape): SqlStatement {
  return {
    sql: `DO $swap$
DECLARE
  r record;
  n_old bigint;
  n_new bigint;
BEGIN
  IF to_regclass('${STAGE_SCHEMA}.reference') IS NULL THEN
    RETURN;
  END IF;
  IF NOT (${isShape("dms.reference", live)} AND ${isShape(`${STAGE_SCHEMA}.reference`, staged)}) THEN
    -- Not the rebuild this step expects (e.g. rolling back before the forward swap ran): abandon it.
    DROP TRIGGER IF EXISTS ${TRIGGER} ON dms.reference;
    DROP SCHEMA ${STAGE_SCHEMA} CASCADE;
    RETURN;
  END IF;
  LOCK TABLE dms.reference IN ACCESS EXCLUSIVE MODE;
  SELECT count(*) INTO n_old FROM dms.reference;
  SELECT count(*) INTO n_new FROM ${STAGE_SCHEMA}.reference;
  IF n_old <> n_new THEN
    RAISE EXCEPTION 'edfi-dms-tuning: rebuild of dms.reference is incomplete: % rows live, % copied', n_old, n_new;
  END IF;
  PERFORM setval(pg_get_serial_sequence('${STAGE_SCHEMA}.reference', 'id'), s.last_value, s.is_called)
     FROM dms.reference_id_seq s;
  DROP TRIGGER ${TRIGGER} ON dms.reference;
  IF to_regclass('dms_retired.reference') IS NOT NULL THEN
    RAISE EXCEPTION 'edfi-dms-tuning: dms_retired.reference from an earlier swap is still there; drop it first';
  END IF;
  CREATE SCHEMA IF NOT EXISTS dms_retired;
  ALTER TABLE dms.reference SET SCHEMA dms_retired;
  FOR r IN SELECT relid FROM pg_partition_tree('dms_retired.reference') WHERE isleaf LOOP
    EXECUTE format('ALTER TABLE %s SET SCHEMA dms_retired', r.relid::regclass);
  END LOOP;
  ALTER TABLE ${STAGE_SCHEMA}.reference SET SCHEMA dms;
  FOR r IN SELECT relid FROM pg_partition_tree('dms.reference') WHERE isleaf LOOP
    EXECUTE format('ALTER TABLE %s SET SCHEMA dms', r.relid::regclass);
  END LOOP;
  -- Only the mirror function is left in the staging schema. The old table stays in dms_retired: dropping it
  -- drops its FKs, which locks dms.document and dms.alias, and doing that while holding dms.reference would
  -- deadlock with writers that read Alias before they write Reference. A separate short step drops it.
  DROP SCHEMA ${STAGE_SCHEMA} CASCADE;
END $swap$`,
  };
}

/**
 * Drops the retired table without deadlocking writers: its FKs go one referenced table at a time (each in its
 * own transaction, parent locked before leaves as writers do), so the runner never holds Alias while waiting
 * for Document or the other way round; the table itself then drops without touching either.
 */
function dropRetiredFk(referenced: string, constraints: string[]): SqlStatement {
  return {
    sql: `DO $retire$ BEGIN
  IF to_regclass('dms_retired.reference') IS NOT NULL THEN
    LOCK TABLE ${referenced} IN ACCESS EXCLUSIVE MODE;
    ALTER TABLE dms_retired.reference ${constraints.map((c) => `DROP CONSTRAINT IF EXISTS ${c}`).join(", ")};
  END IF;
END $retire$`,
  };
}

const DROP_RETIRED: SqlStatement[] = [
  dropRetiredFk("dms.alias", ["fk_reference_referencedalias"]),
  dropRetiredFk("dms.document", ["fk_reference_parentdocument", "fk_reference_referenceddocument"]),
  { sql: "DROP SCHEMA IF EXISTS dms_retired CASCADE" },
];
const DROP_RETIRED_LOCK = {
  mode: "AccessExclusive",
  on: "dms_retired.reference, and briefly dms.alias, then dms.document (one FK drop each, separate transactions)",
  brief: true,
};

/** Reloptions of the Reference leaves and their indexes (what a rollback puts back on the rebuilt leaves). */
const LEAF_RELOPTIONS_IMAGE: SqlStatement = {
  sql: `SELECT CASE WHEN c.relkind = 'i' THEN 'INDEX' ELSE 'TABLE' END AS kind, n.nspname || '.' || c.relname AS rel,
               split_part(o.opt, '=', 1) AS key, split_part(o.opt, '=', 2) AS value
          FROM pg_partition_tree('dms.reference') t
          JOIN pg_class leaf ON leaf.oid = t.relid
          JOIN pg_class c ON c.oid = leaf.oid OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = leaf.oid)
          JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL unnest(coalesce(c.reloptions, '{}')) WITH ORDINALITY AS o(opt, ord)
         WHERE t.isleaf AND split_part(o.opt, '=', 2) ~ '^([0-9]+(\\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*)$'
         ORDER BY 2, o.ord`,
};

/** SQL: dms.Reference is in `shape` with no function still written for another one (the swap replaces them). */
function functionsFor(shape: ReferenceShape): SqlStatement[] {
  return functionsSql(shape).map((sql) => ({ sql }));
}

export function referenceRebuildMigration(before: ReferenceShape, after: ReferenceShape, o: EdfiTuningOptions): Migration {
  const from = before.referencePartitions;
  const to = after.referencePartitions;
  const keyChange = before.aliasKey !== after.aliasKey;
  const columnsChange = before.referencedDocumentColumns !== after.referencedDocumentColumns;
  const rebuilt = `${isShape("dms.reference", after)} AND to_regnamespace('${STAGE_SCHEMA}') IS NULL`;
  const what = columnsChange
    ? "without ReferencedDocumentId/ReferencedDocumentPartitionKey, FK_Reference_ReferencedDocument and UX_Reference_ReferencedDocumentId"
    : keyChange
      ? `from ${before.aliasKey} to ${after.aliasKey}${from !== to ? ` and ${from} to ${to} partitions` : ""}`
      : `from ${from} to ${to} hash partitions`;
  const copyGuard = `NOT EXISTS (SELECT 1 FROM ${STAGE_SCHEMA}.reference n
     WHERE n.ParentDocumentPartitionKey = reference.ParentDocumentPartitionKey AND n.Id = reference.Id)`;
  return {
    id: columnsChange ? "0004-drop-referenced-document" : keyChange ? "0005-reference-alias-id" : `0006-reference-partitions-${to}`,
    description:
      `rebuild dms.Reference online ${what} (stage, mirror, batched copy, swap)` +
      (keyChange || columnsChange
        ? "; replaces dms.InsertReferences with sqlfleet's rendering for the new shape (its before-image is kept and a rollback restores it byte for byte)" +
          (columnsChange ? "; the application's reverse lookups must then read Reference → Alias → Document (seed 004)" : "")
        : ""),
    steps: [
      {
        // Runs last in a rollback: drops the table the swap back retired, in its own short transaction.
        name: "cleanup-retired",
        kind: "ddl",
        description: "rollback only: drop the table retired by the swap back (dms_retired)",
        lock: DROP_RETIRED_LOCK,
        transactional: false,
        up: [],
        down: DROP_RETIRED,
      },
      {
        // Runs after the swap back in a rollback: the 16 leaves get the reloptions they had before.
        name: "leaf-options",
        kind: "tuning",
        description: "record the reloptions of the Reference leaves and their indexes (a rollback puts them back)",
        lock: { mode: "none", on: "catalog read", brief: true },
        transactional: true,
        beforeImage: LEAF_RELOPTIONS_IMAGE,
        up: [],
        down: [
          {
            forEach: {
              rows: {
                sql: `SELECT relid::regclass::text AS leaf FROM pg_partition_tree('dms.reference') WHERE isleaf AND ${isShape("dms.reference", before)}`,
              },
              statements: [{ sql: `ALTER TABLE {{leaf:qualified}} RESET (${AUTOVACUUM_KEYS.join(", ")})` }],
            },
          },
          { forEach: { rows: "beforeImage", statements: [{ sql: "ALTER {{kind:keyword}} {{rel:qualified}} SET ({{key:keyword}} = {{value:option}})" }] } },
        ],
      },
      {
        name: "stage",
        kind: "ddl",
        description: `create ${STAGE_SCHEMA}.reference (${to} leaves, ${after.aliasKey}) and the mirror trigger on dms.reference`,
        lock: { mode: "ShareRowExclusive", on: "dms.reference parent + leaves (CREATE TRIGGER; blocks writes briefly)", brief: true },
        transactional: true,
        done: { sql: `SELECT (${rebuilt}) OR ${TRIGGER_PRESENT} AS done` },
        // InsertReferences as it was before this migration (the DMS's own on an adopted database).
        beforeImage: INSERT_REFERENCES_IMAGE,
        up: [stageStatement(before, after, o)],
        down: [
          // The copy staged by "swap"'s down goes back in (or an abandoned forward staging is dropped), and in
          // the same transaction the function as it was, replayed from the before-image byte for byte (a
          // no-op rewrite when the forward swap never happened).
          swapStatement(after, before),
          RESTORE_INSERT_REFERENCES,
        ],
      },
      {
        name: "copy",
        kind: "backfill",
        description: "copy every row into the staged table through the mirror trigger, keyset batches per partition key",
        lock: { mode: "RowExclusive", on: "dms.reference rows of one batch (no-op HOT update)", brief: false, scans: true },
        transactional: false,
        up: [],
        estimateRows: {
          sql: "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS n FROM pg_partition_tree('dms.reference') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf",
        },
        backfill: {
          name: "reference-copy",
          table: "dms.reference",
          scopeColumn: "parentdocumentpartitionkey",
          // Only while a rebuild is staged (in either direction); otherwise there is nothing to copy into.
          scopes: {
            sql: `SELECT DISTINCT ParentDocumentPartitionKey AS scope_value, 'key ' || ParentDocumentPartitionKey AS scope_label
                    FROM dms.reference WHERE ${TRIGGER_PRESENT} ORDER BY 1`,
          },
          keyColumn: "id",
          set: "ParentDocumentId = ParentDocumentId",
          pending: copyGuard,
          reverse: { set: "ParentDocumentId = ParentDocumentId", pending: copyGuard },
          targetBatchMs: 200,
          initialBatch: 1000,
          maxBatch: 20_000,
        },
      },
      {
        name: "swap",
        kind: "ddl",
        description: `swap ${STAGE_SCHEMA}.reference in for dms.reference after checking row counts`,
        lock: {
          mode: "AccessExclusive",
          on: "dms.reference parent + leaves (row-count check under the lock, then schema moves only)",
          brief: true,
          maintenanceWindow: true,
        },
        transactional: true,
        done: { sql: `SELECT ${rebuilt} AS done` },
        // The functions switch in the same transaction as the table (they name the Alias key column).
        // A partition-only rebuild leaves the function alone (the application's own, on an adopted database).
        up: [swapStatement(before, after), ...(keyChange || columnsChange ? functionsFor(after) : [])],
        // First step of a rollback: stage the original shape again (only if the forward swap happened).
        down: [stageStatement(after, before, o)],
      },
      {
        name: "drop-retired",
        kind: "ddl",
        description: "drop the old table the swap moved to dms_retired (its FKs go with it)",
        lock: DROP_RETIRED_LOCK,
        transactional: false,
        done: { sql: `SELECT to_regnamespace('dms_retired') IS NULL AND ${isShape("dms.reference", after)} AS done` },
        up: DROP_RETIRED,
        // First of a rollback too: a retired table left by an interrupted run would block the swap back.
        down: DROP_RETIRED,
      },
      {
        name: "validate",
        kind: "validate",
        description: `dms.reference is in the new shape with its keys, indexes and FKs; no staging left behind`,
        lock: { mode: "AccessShare", on: "catalog only", brief: true },
        transactional: false,
        up: [],
        checks: [
          { name: "dms.reference has the new shape, no staging or mirror left", sql: { sql: `SELECT (NOT (${rebuilt}) OR ${TRIGGER_PRESENT})::int AS bad` } },
          ...writePathChecks(after),
        ],
      },
    ],
  };
}
