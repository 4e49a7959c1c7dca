// dms.InsertReferences and the two reverse-lookup reads, rendered for a ReferenceShape. The call signature and
// the result never change between shapes, so the application (and our tests) see the same contract before and
// after tuning: one call per upsert, the parent's references replaced (delete-then-insert), and the
// referential ids that match no Alias returned (in uuid order) with nothing written.
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
RETURNS TABLE (InvalidReferentialId uuid)
LANGUAGE plpgsql AS $fn$
${body}
$fn$`;
}

/** The Reference rows pointing at a document, by the denormalised columns or through Alias. */
function referencesOf(shape: ReferenceShape, docId: string, docKey: string): string {
  if (shape.referencedDocumentColumns) {
    return `dms.Reference r WHERE r.ReferencedDocumentPartitionKey = ${docKey} AND r.ReferencedDocumentId = ${docId}`;
  }
  const aliasJoin =
    shape.aliasKey === "ReferentialId"
      ? "r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.ReferentialId = a.ReferentialId"
      : "r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.AliasId = a.Id";
  return `dms.Alias a JOIN dms.Reference r ON ${aliasJoin} WHERE a.DocumentPartitionKey = ${docKey} AND a.DocumentId = ${docId}`;
}

/** Reverse lookup 1 (seed: "referencing documents by (DocumentId, DocumentPartitionKey)"). */
export function referencingDocumentsSql(shape: ReferenceShape): string {
  return `CREATE OR REPLACE FUNCTION dms.ReferencingDocuments(documentId bigint, documentPartitionKey smallint)
RETURNS TABLE (ParentDocumentId bigint, ParentDocumentPartitionKey smallint)
LANGUAGE sql STABLE AS $fn$
  SELECT DISTINCT r.ParentDocumentId, r.ParentDocumentPartitionKey
    FROM ${referencesOf(shape, "$1", "$2")}
   ORDER BY 1, 2
$fn$`;
}

/** Reverse lookup 2 (seed: "referencing resource names by DocumentUuid"). */
export function referencingResourceNamesSql(shape: ReferenceShape): string {
  const refs = shape.referencedDocumentColumns
    ? "dms.Reference r ON r.ReferencedDocumentPartitionKey = d.DocumentPartitionKey AND r.ReferencedDocumentId = d.Id"
    : shape.aliasKey === "ReferentialId"
      ? `dms.Alias a ON a.DocumentPartitionKey = d.DocumentPartitionKey AND a.DocumentId = d.Id
    JOIN dms.Reference r ON r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.ReferentialId = a.ReferentialId`
      : `dms.Alias a ON a.DocumentPartitionKey = d.DocumentPartitionKey AND a.DocumentId = d.Id
    JOIN dms.Reference r ON r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.AliasId = a.Id`;
  return `CREATE OR REPLACE FUNCTION dms.ReferencingResourceNames(documentUuid uuid, documentPartitionKey smallint)
RETURNS TABLE (ResourceName varchar)
LANGUAGE sql STABLE AS $fn$
  SELECT DISTINCT p.ResourceName
    FROM dms.Document d
    JOIN ${refs}
    JOIN dms.Document p ON p.DocumentPartitionKey = r.ParentDocumentPartitionKey AND p.Id = r.ParentDocumentId
   WHERE d.DocumentPartitionKey = $2 AND d.DocumentUuid = $1
   ORDER BY 1
$fn$`;
}

/** Every function of the write path for a shape, in creation order. */
export function functionsSql(shape: ReferenceShape): string[] {
  return [insertReferencesSql(shape), referencingDocumentsSql(shape), referencingResourceNamesSql(shape)];
}

/** Catalog identities of the functions (for before-images and comparisons). */
export const FUNCTION_IDENTITIES = [
  `dms.insertreferences(${INSERT_REFERENCES_ARGS})`,
  "dms.referencingdocuments(bigint, smallint)",
  "dms.referencingresourcenames(uuid, smallint)",
] as const;
