// DDL of the DMS write path (seed 004, "Current State"): dms.Document, dms.Alias, dms.Reference, hash
// partitioned on their partition keys, with their keys, indexes and foreign keys. Written from the seed's
// description; identifiers are fixed literals (nothing here is built from user input except validated counts).
import { ALIAS_PARTITIONS, DOCUMENT_PARTITIONS, leafName, type ReferenceShape } from "./shape";

function assertPartitions(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`edfi-dms: partition count ${n} is not an integer in 1..256`);
}

function hashLeaves(schema: string, table: string, n: number): string[] {
  assertPartitions(n);
  return Array.from({ length: n }, (_, i) =>
    `CREATE TABLE IF NOT EXISTS ${schema}.${leafName(table, i)} PARTITION OF ${schema}.${table} FOR VALUES WITH (MODULUS ${n}, REMAINDER ${i})`,
  );
}

export function documentDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS dms.Document (
  Id bigint GENERATED ALWAYS AS IDENTITY,
  DocumentPartitionKey smallint NOT NULL,
  DocumentUuid uuid NOT NULL,
  ResourceName varchar(256) NOT NULL,
  ResourceVersion varchar(64) NOT NULL,
  IsDescriptor boolean NOT NULL,
  ProjectName varchar(256) NOT NULL,
  EdfiDoc jsonb NOT NULL,
  CreatedAt timestamp NOT NULL DEFAULT now(),
  LastModifiedAt timestamp NOT NULL DEFAULT now(),
  LastModifiedTraceId varchar(128) NOT NULL,
  CONSTRAINT Document_pkey PRIMARY KEY (DocumentPartitionKey, Id)
) PARTITION BY HASH (DocumentPartitionKey)`,
    ...hashLeaves("dms", "document", DOCUMENT_PARTITIONS),
    `CREATE UNIQUE INDEX IF NOT EXISTS UX_Document_DocumentUuid ON dms.Document (DocumentPartitionKey, DocumentUuid)`,
  ];
}

export function aliasDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS dms.Alias (
  Id bigint GENERATED ALWAYS AS IDENTITY,
  ReferentialPartitionKey smallint NOT NULL,
  ReferentialId uuid NOT NULL,
  DocumentId bigint NOT NULL,
  DocumentPartitionKey smallint NOT NULL,
  CONSTRAINT Alias_pkey PRIMARY KEY (ReferentialPartitionKey, Id),
  CONSTRAINT FK_Alias_Document FOREIGN KEY (DocumentPartitionKey, DocumentId)
    REFERENCES dms.Document (DocumentPartitionKey, Id) ON DELETE CASCADE
) PARTITION BY HASH (ReferentialPartitionKey)`,
    ...hashLeaves("dms", "alias", ALIAS_PARTITIONS),
    `CREATE UNIQUE INDEX IF NOT EXISTS UX_Alias_ReferentialId ON dms.Alias (ReferentialPartitionKey, ReferentialId)`,
    // Supports the FK's cascade and the reverse lookups that go through Alias.
    `CREATE INDEX IF NOT EXISTS IX_Alias_DocumentId ON dms.Alias (DocumentPartitionKey, DocumentId)`,
  ];
}

/**
 * dms.Reference in `schema` (dms, or the rebuild's staging schema) for a shape. The staging copy gets the same
 * relation, index and constraint names, so after the swap the catalog looks like a fresh create.
 */
export function referenceDdl(shape: ReferenceShape, schema = "dms"): string[] {
  const aliasCols =
    shape.aliasKey === "ReferentialId" ? "  ReferentialId uuid NOT NULL,\n" : "  AliasId bigint NOT NULL,\n";
  const referencedCols = shape.referencedDocumentColumns
    ? "  ReferencedDocumentId bigint NULL,\n  ReferencedDocumentPartitionKey smallint NULL,\n"
    : "";
  return [
    `CREATE TABLE IF NOT EXISTS ${schema}.Reference (
  Id bigint GENERATED ALWAYS AS IDENTITY,
  ParentDocumentId bigint NOT NULL,
  ParentDocumentPartitionKey smallint NOT NULL,
${aliasCols}  ReferentialPartitionKey smallint NOT NULL,
${referencedCols}  CONSTRAINT Reference_pkey PRIMARY KEY (ParentDocumentPartitionKey, Id)
) PARTITION BY HASH (ParentDocumentPartitionKey)`,
    ...hashLeaves(schema, "reference", shape.referencePartitions),
    `CREATE INDEX IF NOT EXISTS IX_Reference_ParentDocumentId ON ${schema}.Reference (ParentDocumentPartitionKey, ParentDocumentId)`,
    ...(shape.referencedDocumentColumns
      ? [`CREATE INDEX IF NOT EXISTS IX_Reference_ReferencedDocumentId ON ${schema}.Reference (ReferencedDocumentPartitionKey, ReferencedDocumentId)`]
      : []),
    shape.aliasKey === "ReferentialId"
      ? `CREATE INDEX IF NOT EXISTS IX_Reference_ReferentialId ON ${schema}.Reference (ReferentialPartitionKey, ReferentialId)`
      : `CREATE INDEX IF NOT EXISTS IX_Reference_AliasId ON ${schema}.Reference (ReferentialPartitionKey, AliasId)`,
    ...referenceForeignKeys(shape).map((fk) => addConstraintIfMissing(schema, "reference", fk)),
  ];
}

/** ADD CONSTRAINT has no IF NOT EXISTS: guard it with a catalog probe so the statement can be replayed. */
export function addConstraintIfMissing(schema: string, table: string, fk: ForeignKeyDef): string {
  return `DO $guard$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '${schema}.${table}'::regclass AND conname = '${fk.name.toLowerCase()}') THEN
    ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${fk.name} ${fk.definition};
  END IF;
END $guard$`;
}

export interface ForeignKeyDef {
  name: string;
  /** Everything after `ADD CONSTRAINT <name>`. */
  definition: string;
}

export const FK_PARENT_DOCUMENT: ForeignKeyDef = {
  name: "FK_Reference_ParentDocument",
  definition:
    "FOREIGN KEY (ParentDocumentPartitionKey, ParentDocumentId) REFERENCES dms.Document (DocumentPartitionKey, Id) ON DELETE CASCADE",
};

export const FK_REFERENCED_DOCUMENT: ForeignKeyDef = {
  name: "FK_Reference_ReferencedDocument",
  definition:
    "FOREIGN KEY (ReferencedDocumentPartitionKey, ReferencedDocumentId) REFERENCES dms.Document (DocumentPartitionKey, Id)",
};

export function aliasForeignKey(shape: Pick<ReferenceShape, "aliasKey" | "aliasFkDeferred">): ForeignKeyDef {
  const cols =
    shape.aliasKey === "ReferentialId"
      ? "FOREIGN KEY (ReferentialPartitionKey, ReferentialId) REFERENCES dms.Alias (ReferentialPartitionKey, ReferentialId) ON DELETE RESTRICT ON UPDATE CASCADE"
      : "FOREIGN KEY (ReferentialPartitionKey, AliasId) REFERENCES dms.Alias (ReferentialPartitionKey, Id) ON DELETE RESTRICT ON UPDATE CASCADE";
  return {
    name: "FK_Reference_ReferencedAlias",
    definition: shape.aliasFkDeferred ? `${cols} DEFERRABLE INITIALLY DEFERRED` : cols,
  };
}

/** Reference's foreign keys for a shape: parent Document, (redundant) referenced Document, Alias. */
export function referenceForeignKeys(shape: ReferenceShape): ForeignKeyDef[] {
  return [FK_PARENT_DOCUMENT, ...(shape.referencedDocumentColumns ? [FK_REFERENCED_DOCUMENT] : []), aliasForeignKey(shape)];
}

/** The whole write path for a fresh database. */
export function freshCreateDdl(shape: ReferenceShape): string[] {
  return ["CREATE SCHEMA IF NOT EXISTS dms", ...documentDdl(), ...aliasDdl(), ...referenceDdl(shape)];
}
