// A deterministic DMS data set and the InsertReferences workload used by the benchmark and the tests: documents
// with one alias each (partition key = last UUID byte mod 16, as DMS computes it), every document referencing a
// few others, and clients that replace a random parent's references with a new batch (delete-then-insert).
import type { ClientBase } from "pg";

export interface SeedOptions {
  documents: number;
  /** References per document at seed time. */
  referencesPerDocument: number;
}

/** Deterministic UUIDs (md5 of a label) so every database seeded with the same options holds the same rows. */
export async function seedDocuments(c: ClientBase, o: SeedOptions): Promise<void> {
  if (!Number.isInteger(o.documents) || o.documents < 2) throw new Error(`edfi workload: documents must be an integer ≥ 2; got ${o.documents}`);
  await c.query(
    `INSERT INTO dms.Document (DocumentPartitionKey, DocumentUuid, ResourceName, ResourceVersion, IsDescriptor, ProjectName, EdfiDoc,
                               SecurityElements, LastModifiedTraceId)
     SELECT (get_byte(uuid_send(u), 15) % 16)::smallint, u, 'Resource' || (g % 24), '5.2.0', g % 10 = 0, 'Ed-Fi',
            jsonb_build_object('id', u, 'n', g, 'name', 'doc ' || g), '{"Namespace": [], "EducationOrganization": []}'::jsonb, 'seed'
       FROM generate_series(1, $1::int) g, LATERAL (SELECT md5('document-' || g)::uuid AS u) x
      ORDER BY g`,
    [o.documents],
  );
  await c.query(
    `INSERT INTO dms.Alias (ReferentialPartitionKey, ReferentialId, DocumentId, DocumentPartitionKey)
     SELECT (get_byte(uuid_send(r), 15) % 16)::smallint, r, d.Id, d.DocumentPartitionKey
       FROM dms.Document d, LATERAL (SELECT md5('referential-' || d.DocumentUuid)::uuid AS r) x
      ORDER BY d.Id`,
  );
  // Every document references `k` others chosen by multiplicative hashing of its id. Written directly in the
  // baseline shape (seeding is not what we measure); the referenced-document columns come from Alias as
  // InsertReferences would fill them.
  await c.query(
    `INSERT INTO dms.Reference (ParentDocumentId, ParentDocumentPartitionKey, ReferentialId, ReferentialPartitionKey,
                                ReferencedDocumentId, ReferencedDocumentPartitionKey)
     SELECT d.Id, d.DocumentPartitionKey, a.ReferentialId, a.ReferentialPartitionKey, a.DocumentId, a.DocumentPartitionKey
       FROM dms.Document d
       CROSS JOIN generate_series(1, $1::int) j
       JOIN dms.Alias a ON a.Id = 1 + ((d.Id * 7919 + j * 104729) % $2::bigint)
      ORDER BY d.Id, j`,
    [o.referencesPerDocument, o.documents],
  );
}

export interface DocKey {
  id: string;
  key: number;
}
export interface AliasKey {
  referentialId: string;
  key: number;
}

export interface WorkloadData {
  documents: DocKey[];
  aliases: AliasKey[];
}

export async function loadWorkloadData(c: ClientBase): Promise<WorkloadData> {
  const docs = await c.query<{ id: string; key: number }>(
    "SELECT Id::text AS id, DocumentPartitionKey AS key FROM dms.Document ORDER BY Id",
  );
  const aliases = await c.query<{ referentialid: string; key: number }>(
    "SELECT ReferentialId::text AS referentialid, ReferentialPartitionKey AS key FROM dms.Alias ORDER BY Id",
  );
  return { documents: docs.rows, aliases: aliases.rows.map((r) => ({ referentialId: r.referentialid, key: r.key })) };
}

/** The same seed gives every phase the same call sequence. */
export { prng } from "../../prng";

export interface InsertCall {
  parentIds: string[];
  parentKeys: number[];
  referentialIds: string[];
  referentialKeys: number[];
}

/** One upsert's references: a random parent and `min..max` distinct random aliases. */
export function nextCall(data: WorkloadData, rnd: () => number, min = 3, max = 12): InsertCall {
  const parent = data.documents[Math.floor(rnd() * data.documents.length)];
  const n = min + Math.floor(rnd() * (max - min + 1));
  const picked = new Set<number>();
  while (picked.size < Math.min(n, data.aliases.length)) picked.add(Math.floor(rnd() * data.aliases.length));
  const refs = [...picked].map((i) => data.aliases[i]);
  return {
    parentIds: refs.map(() => parent.id),
    parentKeys: refs.map(() => parent.key),
    referentialIds: refs.map((r) => r.referentialId),
    referentialKeys: refs.map((r) => r.key),
  };
}

/** The application's call; `ReferentialId` is the DMS's result column. */
export const INSERT_REFERENCES_CALL =
  "SELECT ReferentialId::text AS id FROM dms.InsertReferences($1::bigint[], $2::smallint[], $3::uuid[], $4::smallint[])";

/**
 * Calls InsertReferences; returns the distinct invalid referential ids it reported, sorted (empty on success).
 * The DMS's own definition reports them in input order with repeats; the contract is the set.
 */
export async function insertReferences(c: ClientBase, call: InsertCall): Promise<string[]> {
  const r = await c.query<{ id: string }>(INSERT_REFERENCES_CALL, [call.parentIds, call.parentKeys, call.referentialIds, call.referentialKeys]);
  return [...new Set(r.rows.map((x) => x.id))].sort();
}
