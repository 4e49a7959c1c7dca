// Migration 0004: Reference becomes "parent → alias" only (seed 004, schema refinement 1). The denormalised
// ReferencedDocumentId/PartitionKey, FK_Reference_ReferencedDocument (redundant: Reference→Alias RESTRICT and
// Alias→Document CASCADE already protect the referenced document) and its index go; InsertReferences stops
// joining Alias and the reverse lookups go Reference → Alias → Document.
//
// Two steps, because the runner runs a step's up and down with the same transactional flag:
// - "drop-columns-fk-index": one short transaction (AccessExclusive on Reference and Document; the runner
//   retries on lock_timeout). Its down puts the columns back (catalog-only) with the functions that fill them.
// - "restore-point" (before it; no-op up, non-transactional down) captures the before-image (leaf index names
//   and fillfactor). On rollback, after the columns are back, it fills the existing rows in keyset batches
//   committed one by one (a DO loop: the engine's executor has no rollback-only task), rebuilds the index
//   ON ONLY + CONCURRENTLY per leaf under its original names + ATTACH, and re-adds the FK NOT VALID (on the
//   parent from PostgreSQL 18, per leaf before that) and validates it per leaf (ShareUpdateExclusive).
import type { Migration } from "../../types";
import { FK_REFERENCED_DOCUMENT } from "../edfi-dms/ddl";
import { functionsSql } from "../edfi-dms/functions";
import type { ReferenceShape } from "../edfi-dms/shape";
import { writePathChecks } from "../edfi-dms/catalog-checks";
import { hasColumn, REFERENCE_LEAVES } from "./catalog-sql";

const FILL_BATCH = 5000;

/** Keyset walk over the PK (ParentDocumentPartitionKey, Id); each batch commits (DO at top level, PG 11+). */
function fillExistingRows(aliasJoin: string): string {
  return `DO $fill$
DECLARE
  last_key smallint := -32768;
  last_id bigint := -1;
  hi record;
BEGIN
  LOOP
    SELECT s.ParentDocumentPartitionKey AS k, s.Id AS id INTO hi
      FROM (SELECT ParentDocumentPartitionKey, Id FROM dms.Reference
             WHERE (ParentDocumentPartitionKey, Id) > (last_key, last_id)
             ORDER BY ParentDocumentPartitionKey, Id LIMIT ${FILL_BATCH}) s
     ORDER BY s.ParentDocumentPartitionKey DESC, s.Id DESC LIMIT 1;
    EXIT WHEN hi IS NULL;
    UPDATE dms.Reference r
       SET ReferencedDocumentId = a.DocumentId, ReferencedDocumentPartitionKey = a.DocumentPartitionKey
      FROM dms.Alias a
     WHERE (r.ParentDocumentPartitionKey, r.Id) > (last_key, last_id)
       AND (r.ParentDocumentPartitionKey, r.Id) <= (hi.k, hi.id)
       AND r.ReferencedDocumentId IS NULL
       AND ${aliasJoin};
    COMMIT;
    last_key := hi.k;
    last_id := hi.id;
  END LOOP;
END $fill$`;
}

const LEAF_INDEX_IMAGE = `SELECT n.nspname || '.' || c.relname AS idx, c.relname AS name, tn.nspname || '.' || tc.relname AS leaf,
       coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%'), '90') AS fillfactor
  FROM pg_partition_tree(to_regclass('dms.ix_reference_referenceddocumentid')) t
  JOIN pg_class c ON c.oid = t.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_index i ON i.indexrelid = c.oid
  JOIN pg_class tc ON tc.oid = i.indrelid
  JOIN pg_namespace tn ON tn.oid = tc.relnamespace
 WHERE t.isleaf ORDER BY 1`;

export function dropReferencedDocumentMigration(before: ReferenceShape, after: ReferenceShape): Migration {
  const aliasJoin =
    before.aliasKey === "ReferentialId"
      ? "a.ReferentialPartitionKey = r.ReferentialPartitionKey AND a.ReferentialId = r.ReferentialId"
      : "a.ReferentialPartitionKey = r.ReferentialPartitionKey AND a.Id = r.AliasId";
  const fk = FK_REFERENCED_DOCUMENT;
  const fkName = fk.name.toLowerCase();
  const columnsGone = `SELECT NOT ${hasColumn("referenceddocumentid")} AND NOT ${hasColumn("referenceddocumentpartitionkey")} AS done`;
  return {
    id: "0004-drop-referenced-document",
    description: "drop Reference.ReferencedDocumentId/PartitionKey, their FK and index; reads and inserts go through Alias",
    steps: [
      {
        name: "restore-point",
        kind: "index",
        description: "record the leaf index names/fillfactor of IX_Reference_ReferencedDocumentId (rollback rebuilds it online)",
        lock: { mode: "none", on: "catalog read", brief: true },
        transactional: false,
        beforeImage: { sql: LEAF_INDEX_IMAGE },
        up: [],
        down: [
          {
            sql: fillExistingRows(aliasJoin),
            lock: { mode: "RowExclusive", on: `dms.reference, ${FILL_BATCH}-row keyset batches, one commit each`, brief: false, scans: true },
          },
          {
            sql: "CREATE INDEX IF NOT EXISTS IX_Reference_ReferencedDocumentId ON ONLY dms.Reference (ReferencedDocumentPartitionKey, ReferencedDocumentId)",
            lock: { mode: "Share", on: "dms.reference parent only (ON ONLY: no leaf is scanned)", brief: true },
          },
          {
            forEach: {
              rows: "beforeImage",
              statements: [
                {
                  sql: `DO $drop$ BEGIN
  -- An interrupted CREATE INDEX CONCURRENTLY leaves an invalid index that IF NOT EXISTS would keep.
  IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('{{idx:qualified}}') AND NOT indisvalid) THEN
    DROP INDEX {{idx:qualified}};
  END IF;
END $drop$`,
                },
                {
                  sql: "CREATE INDEX CONCURRENTLY IF NOT EXISTS {{name}} ON {{leaf:qualified}} (ReferencedDocumentPartitionKey, ReferencedDocumentId) WITH (fillfactor = {{fillfactor:number}})",
                  lock: { mode: "ShareUpdateExclusive", on: "one dms.reference_NN leaf", brief: false, scans: true },
                },
                { sql: "ALTER INDEX dms.IX_Reference_ReferencedDocumentId ATTACH PARTITION {{idx:qualified}}" },
              ],
            },
          },
          {
            // PostgreSQL 18 takes NOT VALID on a partitioned table (and then names the clones as a fresh create
            // does); older servers get the constraint per leaf first, which the parent ADD below attaches.
            sql: `DO $fk$ BEGIN
  IF current_setting('server_version_num')::int >= 180000
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'dms.reference'::regclass AND conname = '${fkName}') THEN
    ALTER TABLE dms.Reference ADD CONSTRAINT ${fk.name} ${fk.definition} NOT VALID;
  END IF;
END $fk$`,
            lock: { mode: "ShareRowExclusive", on: "dms.reference and dms.document (NOT VALID: no scan)", brief: true },
          },
          {
            forEach: {
              rows: REFERENCE_LEAVES,
              statements: [
                {
                  sql: `DO $fk$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '{{leaf:qualified}}'::regclass AND conname = '${fkName}') THEN
    ALTER TABLE {{leaf:qualified}} ADD CONSTRAINT ${fk.name} ${fk.definition} NOT VALID;
  END IF;
END $fk$`,
                  lock: { mode: "ShareRowExclusive", on: "one leaf and dms.document (NOT VALID: no scan)", brief: true },
                },
                {
                  sql: `ALTER TABLE {{leaf:qualified}} VALIDATE CONSTRAINT ${fk.name}`,
                  lock: { mode: "ShareUpdateExclusive", on: "one leaf (validation scan; writes continue)", brief: false, scans: true },
                },
              ],
            },
          },
          {
            sql: `DO $fk$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'dms.reference'::regclass AND conname = '${fkName}') THEN
    ALTER TABLE dms.Reference ADD CONSTRAINT ${fk.name} ${fk.definition};
  END IF;
END $fk$`,
            lock: { mode: "ShareRowExclusive", on: "dms.reference and dms.document (attaches the validated leaf FKs)", brief: true },
          },
          {
            sql: `ALTER TABLE dms.Reference VALIDATE CONSTRAINT ${fk.name}`,
            lock: { mode: "ShareUpdateExclusive", on: "dms.reference (leaves already validated)", brief: true },
          },
        ],
      },
      {
        name: "drop-columns-fk-index",
        kind: "ddl",
        description:
          "switch InsertReferences and the reverse lookups to Alias, drop FK_Reference_ReferencedDocument, IX_Reference_ReferencedDocumentId and the two columns",
        lock: { mode: "AccessExclusive", on: "dms.reference (parent + leaves) and dms.document (FK drop)", brief: true },
        transactional: true,
        done: { sql: columnsGone },
        up: [
          // New function bodies first: they no longer name the columns about to go.
          ...functionsSql(after).map((sql) => ({ sql })),
          { sql: `ALTER TABLE dms.Reference DROP CONSTRAINT IF EXISTS ${fk.name}` },
          { sql: "DROP INDEX IF EXISTS dms.IX_Reference_ReferencedDocumentId" },
          { sql: "ALTER TABLE dms.Reference DROP COLUMN IF EXISTS ReferencedDocumentId, DROP COLUMN IF EXISTS ReferencedDocumentPartitionKey" },
        ],
        down: [
          {
            sql: "ALTER TABLE dms.Reference ADD COLUMN IF NOT EXISTS ReferencedDocumentId bigint NULL, ADD COLUMN IF NOT EXISTS ReferencedDocumentPartitionKey smallint NULL",
            lock: { mode: "AccessExclusive", on: "dms.reference (catalog-only ADD COLUMN)", brief: true },
          },
          // From this commit on every write fills the columns again; the restore point fills the older rows.
          ...functionsSql(before).map((sql) => ({ sql })),
        ],
      },
      {
        name: "validate",
        kind: "validate",
        description: "the write path matches the parent → alias shape",
        lock: { mode: "AccessShare", on: "catalog only", brief: true },
        transactional: false,
        up: [],
        checks: writePathChecks(after),
      },
    ],
  };
}
