// A database in the shape the Ed-Fi DMS's own deploy scripts build (Data-Management-Service@670a8159, scripts
// 0000–0003, 0010 and 0015), written by us from the facts of those scripts — object names, column order and
// types, index keys, constraint names and actions, replica identity, and InsertReferences' contract — and built
// the way they build it: unnamed primary keys, partitions created in a loop, constraints added afterwards behind
// an information_schema guard. No line of the DMS's code is here; its function body is ours, with the same
// signature, result column and behaviour (report unknown referential ids, write nothing).
import type { ClientBase } from "pg";

const PARTITIONS = (table: string) => `DO $p$ BEGIN
  FOR i IN 0..15 LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS dms.%I PARTITION OF dms.${table} FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                   '${table.toLowerCase()}_' || lpad(i::text, 2, '0'), i);
  END LOOP;
END $p$`;

const guardedConstraint = (table: string, name: string, def: string) => `DO $c$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.table_constraints
                  WHERE table_schema = 'dms' AND table_name = '${table.toLowerCase()}' AND constraint_name = '${name.toLowerCase()}') THEN
    ALTER TABLE dms.${table} ADD CONSTRAINT ${name} ${def};
  END IF;
END $c$`;

export const DMS_FIXTURE_SQL: string[] = [
  "CREATE SCHEMA IF NOT EXISTS dms",
  `CREATE TABLE IF NOT EXISTS dms.Document (
     Id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1),
     DocumentPartitionKey SMALLINT NOT NULL, DocumentUuid UUID NOT NULL,
     ResourceName VARCHAR(256) NOT NULL, ResourceVersion VARCHAR(64) NOT NULL, IsDescriptor BOOLEAN NOT NULL,
     ProjectName VARCHAR(256) NOT NULL, EdfiDoc JSONB NOT NULL, SecurityElements JSONB NOT NULL,
     StudentSchoolAuthorizationEdOrgIds JSONB NULL, StudentEdOrgResponsibilityAuthorizationIds JSONB NULL,
     ContactStudentSchoolAuthorizationEdOrgIds JSONB NULL, StaffEducationOrganizationAuthorizationEdOrgIds JSONB NULL,
     CreatedAt TIMESTAMP NOT NULL DEFAULT NOW(), LastModifiedAt TIMESTAMP NOT NULL DEFAULT NOW(),
     LastModifiedTraceId VARCHAR(128) NOT NULL,
     PRIMARY KEY (DocumentPartitionKey, Id)
   ) PARTITION BY HASH (DocumentPartitionKey)`,
  PARTITIONS("Document"),
  "CREATE UNIQUE INDEX IF NOT EXISTS UX_Document_DocumentUuid ON dms.Document (DocumentPartitionKey, DocumentUuid)",
  "CREATE UNIQUE INDEX IF NOT EXISTS UX_Document_DocumentId ON dms.Document (DocumentPartitionKey, Id)",
  `DO $r$ BEGIN
     ALTER TABLE dms.Document REPLICA IDENTITY FULL;
     FOR i IN 0..15 LOOP EXECUTE format('ALTER TABLE dms.%I REPLICA IDENTITY FULL', 'document_' || lpad(i::text, 2, '0')); END LOOP;
   END $r$`,
  `CREATE TABLE IF NOT EXISTS dms.Alias (
     Id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1),
     ReferentialPartitionKey SMALLINT NOT NULL, ReferentialId UUID NOT NULL,
     DocumentId BIGINT NOT NULL, DocumentPartitionKey SMALLINT NOT NULL,
     PRIMARY KEY (ReferentialPartitionKey, Id)
   ) PARTITION BY HASH (ReferentialPartitionKey)`,
  PARTITIONS("Alias"),
  "CREATE UNIQUE INDEX IF NOT EXISTS UX_Alias_ReferentialId ON dms.Alias (ReferentialPartitionKey, ReferentialId)",
  guardedConstraint("Alias", "FK_Alias_Document", "FOREIGN KEY (DocumentPartitionKey, DocumentId) REFERENCES dms.Document (DocumentPartitionKey, Id) ON DELETE CASCADE"),
  "CREATE INDEX IF NOT EXISTS IX_FK_Alias_Document ON dms.Alias (DocumentPartitionKey, DocumentId)",
  `CREATE TABLE IF NOT EXISTS dms.Reference (
     Id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1),
     ParentDocumentId BIGINT NOT NULL, ParentDocumentPartitionKey SMALLINT NOT NULL,
     ReferencedDocumentId BIGINT NULL, ReferencedDocumentPartitionKey SMALLINT NULL,
     ReferentialId UUID NOT NULL, ReferentialPartitionKey SMALLINT NOT NULL,
     PRIMARY KEY (ParentDocumentPartitionKey, Id)
   ) PARTITION BY HASH (ParentDocumentPartitionKey)`,
  PARTITIONS("Reference"),
  "CREATE INDEX IF NOT EXISTS UX_Reference_ParentDocumentId ON dms.Reference (ParentDocumentPartitionKey, ParentDocumentId)",
  "CREATE INDEX IF NOT EXISTS UX_Reference_ReferencedDocumentId ON dms.Reference (ReferencedDocumentPartitionKey, ReferencedDocumentId)",
  guardedConstraint("Reference", "FK_Reference_ParentDocument", "FOREIGN KEY (ParentDocumentPartitionKey, ParentDocumentId) REFERENCES dms.Document (DocumentPartitionKey, Id) ON DELETE CASCADE"),
  guardedConstraint("Reference", "FK_Reference_ReferencedDocument", "FOREIGN KEY (ReferencedDocumentPartitionKey, ReferencedDocumentId) REFERENCES dms.Document (DocumentPartitionKey, Id)"),
  // The application's function: replace a parent's references; on an unknown referential id (the Alias FK
  // fires) report the ids that match no Alias — the block's delete and insert roll back with the exception.
  `CREATE OR REPLACE FUNCTION dms.InsertReferences(
     parentDocumentIds BIGINT[], parentDocumentPartitionKeys SMALLINT[], referentialIds UUID[], referentialPartitionKeys SMALLINT[])
   RETURNS TABLE (ReferentialId UUID) LANGUAGE plpgsql AS $f$
   DECLARE violated text;
   BEGIN
     DELETE FROM dms.Reference x
      USING unnest(parentDocumentIds, parentDocumentPartitionKeys) AS p(id, pk)
      WHERE x.ParentDocumentId = p.id AND x.ParentDocumentPartitionKey = p.pk;
     INSERT INTO dms.Reference (ParentDocumentId, ParentDocumentPartitionKey, ReferentialId, ReferentialPartitionKey,
                                ReferencedDocumentId, ReferencedDocumentPartitionKey)
     SELECT v.pid, v.ppk, v.rid, v.rpk, al.DocumentId, al.DocumentPartitionKey
       FROM unnest(parentDocumentIds, parentDocumentPartitionKeys, referentialIds, referentialPartitionKeys) AS v(pid, ppk, rid, rpk)
       LEFT JOIN dms.Alias al ON al.ReferentialId = v.rid AND al.ReferentialPartitionKey = v.rpk;
   EXCEPTION WHEN foreign_key_violation THEN
     GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
     IF violated <> 'fk_reference_referencedalias' THEN RAISE; END IF;
     RETURN QUERY SELECT v.rid FROM unnest(referentialIds, referentialPartitionKeys) AS v(rid, rpk)
       WHERE NOT EXISTS (SELECT 1 FROM dms.Alias al WHERE al.ReferentialId = v.rid AND al.ReferentialPartitionKey = v.rpk);
   END $f$`,
  guardedConstraint(
    "Reference",
    "FK_Reference_ReferencedAlias",
    "FOREIGN KEY (ReferentialPartitionKey, ReferentialId) REFERENCES dms.Alias (ReferentialPartitionKey, ReferentialId) ON DELETE RESTRICT ON UPDATE CASCADE",
  ),
  "CREATE INDEX IF NOT EXISTS IX_FK_Reference_ReferencedAlias ON dms.Reference (ReferentialPartitionKey, ReferentialId)",
];

/** Builds the DMS-shaped write path in the connected database. */
export async function createDmsShapedDatabase(c: ClientBase): Promise<void> {
  for (const sql of DMS_FIXTURE_SQL) await c.query(sql);
}
