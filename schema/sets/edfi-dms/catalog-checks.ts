// Validation queries for the DMS write path: each returns a count of problems (0 = as expected). They make the
// baseline adoption of an existing database a checked statement rather than a leap of faith.
import type { ValidationCheck } from "../../types";
import { expectedIndexFacts } from "./dms-catalog";
import { INSERT_REFERENCES_IDENTITY, INSERT_REFERENCES_RESULT } from "./functions";
import { ALIAS_PARTITIONS, DOCUMENT_PARTITIONS, type ReferenceShape } from "./shape";

function leafCount(table: string, expected: number): ValidationCheck {
  return {
    name: `${table} has ${expected} hash partitions`,
    sql: {
      sql: `SELECT abs(count(*) - $1)::int AS off FROM pg_partition_tree(to_regclass($2)) WHERE isleaf`,
      params: [expected, table],
    },
  };
}

/** The partitioned indexes of a shape, as table:index (the table named for messages, the index for lookups). */
export function expectedIndexes(shape: ReferenceShape): string[] {
  return expectedIndexFacts(shape).map((i) => `${i.table}:${i.name}`);
}

/** Partitioned indexes that must exist and be valid. */
function indexesPresent(shape: ReferenceShape): ValidationCheck {
  const names = expectedIndexes(shape).map((spec) => `dms.${spec.split(":")[1]}`);
  return {
    name: "write-path indexes exist and are valid",
    sql: {
      sql: `SELECT count(*)::int AS missing FROM unnest($1::text[]) AS n(name)
             WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = to_regclass(n.name) AND i.indisvalid)`,
      params: [names],
    },
  };
}

/** Foreign keys on the partitioned parents, with their deferrability. */
function foreignKeysPresent(shape: ReferenceShape): ValidationCheck {
  const wanted = [
    "dms.alias:fk_alias_document:false",
    "dms.reference:fk_reference_parentdocument:false",
    ...(shape.referencedDocumentColumns ? ["dms.reference:fk_reference_referenceddocument:false"] : []),
    `dms.reference:fk_reference_referencedalias:${shape.aliasFkDeferred}`,
  ];
  return {
    name: "write-path foreign keys exist and are validated",
    sql: {
      sql: `SELECT count(*)::int AS missing FROM unnest($1::text[]) AS w(spec)
             WHERE NOT EXISTS (
               SELECT 1 FROM pg_constraint c
                WHERE c.contype = 'f' AND c.convalidated AND c.conparentid = 0
                  AND c.conrelid = to_regclass(split_part(w.spec, ':', 1))
                  AND c.conname = split_part(w.spec, ':', 2)
                  AND c.condeferred::text = split_part(w.spec, ':', 3))`,
      params: [wanted],
    },
  };
}

function functionsPresent(): ValidationCheck {
  return {
    name: "InsertReferences exists with the DMS's result",
    sql: {
      sql: `SELECT (coalesce(pg_get_function_result(to_regprocedure($1)), '') <> $2)::int AS missing`,
      params: [INSERT_REFERENCES_IDENTITY, INSERT_REFERENCES_RESULT],
    },
  };
}

/** Every check of the write path in a given shape. */
export function writePathChecks(shape: ReferenceShape): ValidationCheck[] {
  return [
    leafCount("dms.document", DOCUMENT_PARTITIONS),
    leafCount("dms.alias", ALIAS_PARTITIONS),
    leafCount("dms.reference", shape.referencePartitions),
    indexesPresent(shape),
    foreignKeysPresent(shape),
    functionsPresent(),
  ];
}
