// dms.InsertReferences rendered for a ReferenceShape: sqlfleet's own body with the DMS's contract (the DMS
// defines this one function; its signature and result column `ReferentialId` are the application's API). The
// contract never changes between shapes: one call per upsert, the parent's references replaced
// (delete-then-insert), and the referential ids that match no Alias returned with nothing written. A database
// adopted from the DMS keeps its own definition until a tuning step must change it; that step keeps the
// before-image and its rollback replays it. The reverse lookups are the application's reads (reverse-lookups.ts).
import type { ReferenceShape } from "./shape";

const SIGNATURE = `dms.InsertReferences(
  parentDocumentIds bigint[],
  parentDocumentPartitionKeys smallint[],
  referentialIds uuid[],
  referentialPartitionKeys smallint[])`;

/** Identity arguments of the function, for pg_get_functiondef lookups and DROP. */
export const INSERT_REFERENCES_ARGS = "bigint[], smallint[], uuid[], smallint[]";

const INVALID_IDS = `SELECT DISTINCT i.RefId
      FROM unnest(referentialIds, referentialPartitionKeys) AS i(RefId, RefKey)
     WHERE NOT EXISTS (SELECT 1 FROM dms.Alias a WHERE a.ReferentialPartitionKey = i.RefKey AND a.ReferentialId = i.RefId)
     ORDER BY 1`;

const DELETE_PARENTS = `DELETE FROM dms.Reference r
     USING (SELECT DISTINCT p.Id, p.PartitionKey
              FROM unnest(parentDocumentIds, parentDocumentPartitionKeys) AS p(Id, PartitionKey)) p
     WHERE r.ParentDocumentPartitionKey = p.PartitionKey AND r.ParentDocumentId = p.Id`;

const INPUT = `unnest(parentDocumentIds, parentDocumentPartitionKeys, referentialIds, referentialPartitionKeys)
           AS i(ParentId, ParentKey, RefId, RefKey)`;

function insertStatement(shape: ReferenceShape): string {
  if (shape.aliasKey === "AliasId") {
    // The surrogate key needs the Alias row; a LEFT JOIN turns an alias deleted since the check into a
    // NOT NULL violation instead of a silently dropped reference.
    const cols = shape.referencedDocumentColumns
      ? "ParentDocumentId, ParentDocumentPartitionKey, AliasId, ReferentialPartitionKey, ReferencedDocumentId, ReferencedDocumentPartitionKey"
      : "ParentDocumentId, ParentDocumentPartitionKey, AliasId, ReferentialPartitionKey";
    const vals = shape.referencedDocumentColumns
      ? "i.ParentId, i.ParentKey, a.Id, i.RefKey, a.DocumentId, a.DocumentPartitionKey"
      : "i.ParentId, i.ParentKey, a.Id, i.RefKey";
    return `INSERT INTO dms.Reference (${cols})
    SELECT ${vals}
      FROM ${INPUT}
      LEFT JOIN dms.Alias a ON a.ReferentialPartitionKey = i.RefKey AND a.ReferentialId = i.RefId`;
  }
  if (shape.referencedDocumentColumns) {
    // Seed 004's insert path: the join only fills the denormalised referenced-document columns.
    return `INSERT INTO dms.Reference (ParentDocumentId, ParentDocumentPartitionKey, ReferentialId, ReferentialPartitionKey, ReferencedDocumentId, ReferencedDocumentPartitionKey)
    SELECT i.ParentId, i.ParentKey, i.RefId, i.RefKey, a.DocumentId, a.DocumentPartitionKey
      FROM ${INPUT}
      LEFT JOIN dms.Alias a ON a.ReferentialPartitionKey = i.RefKey AND a.ReferentialId = i.RefId`;
  }
  // Parent -> alias only: no join on the hot path, the Alias FK does the validation.
  return `INSERT INTO dms.Reference (ParentDocumentId, ParentDocumentPartitionKey, ReferentialId, ReferentialPartitionKey)
    SELECT i.ParentId, i.ParentKey, i.RefId, i.RefKey
      FROM ${INPUT}`;
}

/**
 * With an immediate FK on the natural key the FK check is the validation (seed 004): catch the violation and
 * report the ids. A deferred FK fires only at commit and the AliasId shape needs the Alias row anyway, so those
 * shapes check the ids first and write nothing when some are unknown.
 */
export function insertReferencesSql(shape: ReferenceShape): string {
  const fkValidates = shape.aliasKey === "ReferentialId" && !shape.aliasFkDeferred;
  const body = fkValidates
    ? `BEGIN
  BEGIN
    ${DELETE_PARENTS};
    ${insertStatement(shape)};
  EXCEPTION WHEN foreign_key_violation THEN
    RETURN QUERY ${INVALID_IDS};
    -- A violation with every referential id known is not ours to explain (e.g. an unknown parent).
    IF NOT FOUND THEN RAISE; END IF;
  END;
END`
    : `BEGIN
  RETURN QUERY ${INVALID_IDS};
  IF FOUND THEN RETURN; END IF;
  ${DELETE_PARENTS};
  ${insertStatement(shape)};
END`;
  return `CREATE OR REPLACE FUNCTION ${SIGNATURE}
RETURNS TABLE (ReferentialId uuid)
LANGUAGE plpgsql AS $fn$
${body}
$fn$`;
}

/** Every function of the write path for a shape, in creation order. */
export function functionsSql(shape: ReferenceShape): string[] {
  return [insertReferencesSql(shape)];
}

/** Catalog identity of InsertReferences (for before-images and comparisons). */
export const INSERT_REFERENCES_IDENTITY = `dms.insertreferences(${INSERT_REFERENCES_ARGS})`;

/** The result the application reads (pg_get_function_result). */
export const INSERT_REFERENCES_RESULT = "TABLE(referentialid uuid)";

/** Before-image of InsertReferences: its definition exactly as the catalog prints it, for a byte-for-byte restore. */
export const INSERT_REFERENCES_IMAGE = {
  sql: `SELECT pg_get_functiondef(p) AS def FROM to_regprocedure('${INSERT_REFERENCES_IDENTITY}') AS p WHERE p IS NOT NULL`,
};

/** Replays the before-image captured by INSERT_REFERENCES_IMAGE (one row, or none if there was no function). */
export const RESTORE_INSERT_REFERENCES = { forEach: { rows: "beforeImage" as const, statements: [{ sql: "{{def:functiondef}}" }] } };
