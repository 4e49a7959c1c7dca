// The DMS's reverse lookups (seed 004: "referencing documents by (DocumentId, DocumentPartitionKey)" and
// "referencing resource names by DocumentUuid"). In the DMS they are application SQL, not database functions,
// so sqlfleet never creates them; the workload, tests and benchmark issue them as the application would, in the
// form each shape needs. Dropping the referenced-document columns (tuning 0004) is exactly the change that makes
// the application read through Alias instead — the tuning plan says so.
import type { ReferenceShape } from "./shape";

function aliasJoin(shape: ReferenceShape): string {
  return shape.aliasKey === "ReferentialId"
    ? "r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.ReferentialId = a.ReferentialId"
    : "r.ReferentialPartitionKey = a.ReferentialPartitionKey AND r.AliasId = a.Id";
}

/** Parents referencing document ($1 id, $2 partition key), distinct, ordered. */
export function referencingDocumentsQuery(shape: ReferenceShape): string {
  const from = shape.referencedDocumentColumns
    ? "dms.Reference r WHERE r.ReferencedDocumentPartitionKey = $2 AND r.ReferencedDocumentId = $1"
    : `dms.Alias a JOIN dms.Reference r ON ${aliasJoin(shape)} WHERE a.DocumentPartitionKey = $2 AND a.DocumentId = $1`;
  return `SELECT DISTINCT r.ParentDocumentId::text AS id, r.ParentDocumentPartitionKey AS key FROM ${from} ORDER BY 1, 2`;
}

/** Resource names of the documents referencing the document with uuid $1 in partition $2, distinct, ordered. */
export function referencingResourceNamesQuery(shape: ReferenceShape): string {
  const refs = shape.referencedDocumentColumns
    ? "dms.Reference r ON r.ReferencedDocumentPartitionKey = d.DocumentPartitionKey AND r.ReferencedDocumentId = d.Id"
    : `dms.Alias a ON a.DocumentPartitionKey = d.DocumentPartitionKey AND a.DocumentId = d.Id
    JOIN dms.Reference r ON ${aliasJoin(shape)}`;
  return `SELECT DISTINCT p.ResourceName AS name
    FROM dms.Document d
    JOIN ${refs}
    JOIN dms.Document p ON p.DocumentPartitionKey = r.ParentDocumentPartitionKey AND p.Id = r.ParentDocumentId
   WHERE d.DocumentPartitionKey = $2 AND d.DocumentUuid = $1
   ORDER BY 1`;
}
