// The catalog of the DMS write path as facts: for each table its columns in order, its partitioned indexes with
// the definition PostgreSQL prints for them, and its constraints. These are the names and definitions the Ed-Fi
// DMS deploy scripts create (Data-Management-Service@670a8159, scripts 0000–0003, 0010, 0015) for the baseline
// shape, and what each tuning shape changes. Adoption compares a database against them object by object; the
// tests check that a fresh create and a database built by the DMS's scripts both print exactly these.
import { referenceColumns } from "./ddl";
import type { ReferenceShape } from "./shape";

export type DmsTable = "document" | "alias" | "reference";
export const DMS_TABLES: readonly DmsTable[] = ["document", "alias", "reference"];

/** `name type[ not null][ identity][ default expr]`, as the catalog query in precondition.ts prints a column. */
export interface ColumnFact {
  table: DmsTable;
  spec: string;
}

export interface IndexFact {
  table: DmsTable;
  name: string;
  /** pg_get_indexdef of the partitioned index. */
  def: string;
}

export interface ConstraintFact {
  table: DmsTable;
  name: string;
  /** pg_get_constraintdef plus deferrability. */
  def: string;
}

const DOCUMENT_COLUMNS = [
  "id bigint not null identity",
  "documentpartitionkey smallint not null",
  "documentuuid uuid not null",
  "resourcename character varying(256) not null",
  "resourceversion character varying(64) not null",
  "isdescriptor boolean not null",
  "projectname character varying(256) not null",
  "edfidoc jsonb not null",
  "securityelements jsonb not null",
  "studentschoolauthorizationedorgids jsonb",
  "studentedorgresponsibilityauthorizationids jsonb",
  "contactstudentschoolauthorizationedorgids jsonb",
  "staffeducationorganizationauthorizationedorgids jsonb",
  "createdat timestamp without time zone not null default now()",
  "lastmodifiedat timestamp without time zone not null default now()",
  "lastmodifiedtraceid character varying(128) not null",
];

const ALIAS_COLUMNS = [
  "id bigint not null identity",
  "referentialpartitionkey smallint not null",
  "referentialid uuid not null",
  "documentid bigint not null",
  "documentpartitionkey smallint not null",
];

const REFERENCE_COLUMN_SPECS: Record<string, string> = {
  Id: "id bigint not null identity",
  ParentDocumentId: "parentdocumentid bigint not null",
  ParentDocumentPartitionKey: "parentdocumentpartitionkey smallint not null",
  ReferencedDocumentId: "referenceddocumentid bigint",
  ReferencedDocumentPartitionKey: "referenceddocumentpartitionkey smallint",
  ReferentialId: "referentialid uuid not null",
  AliasId: "aliasid bigint not null",
  ReferentialPartitionKey: "referentialpartitionkey smallint not null",
};

export function expectedColumns(shape: ReferenceShape): ColumnFact[] {
  return [
    ...DOCUMENT_COLUMNS.map((spec) => ({ table: "document" as const, spec })),
    ...ALIAS_COLUMNS.map((spec) => ({ table: "alias" as const, spec })),
    ...referenceColumns(shape).map((c) => ({ table: "reference" as const, spec: REFERENCE_COLUMN_SPECS[c] })),
  ];
}

function index(table: DmsTable, name: string, columns: string, unique = false): IndexFact {
  return { table, name, def: `CREATE ${unique ? "UNIQUE " : ""}INDEX ${name} ON ONLY dms.${table} USING btree (${columns})` };
}

function aliasColumn(shape: ReferenceShape): string {
  return shape.aliasKey === "ReferentialId" ? "referentialid" : "aliasid";
}

export function expectedIndexFacts(shape: ReferenceShape): IndexFact[] {
  return [
    index("document", "document_pkey", "documentpartitionkey, id", true),
    index("document", "ux_document_documentid", "documentpartitionkey, id", true),
    index("document", "ux_document_documentuuid", "documentpartitionkey, documentuuid", true),
    index("alias", "alias_pkey", "referentialpartitionkey, id", true),
    index("alias", "ix_fk_alias_document", "documentpartitionkey, documentid"),
    index("alias", "ux_alias_referentialid", "referentialpartitionkey, referentialid", true),
    index("reference", "ix_fk_reference_referencedalias", `referentialpartitionkey, ${aliasColumn(shape)}`),
    index("reference", "reference_pkey", "parentdocumentpartitionkey, id", true),
    index("reference", "ux_reference_parentdocumentid", "parentdocumentpartitionkey, parentdocumentid"),
    ...(shape.referencedDocumentColumns
      ? [index("reference", "ux_reference_referenceddocumentid", "referenceddocumentpartitionkey, referenceddocumentid")]
      : []),
  ];
}

export function expectedConstraintFacts(shape: ReferenceShape): ConstraintFact[] {
  const immediate = " not deferrable";
  const aliasFk = shape.aliasKey === "ReferentialId"
    ? "FOREIGN KEY (referentialpartitionkey, referentialid) REFERENCES dms.alias(referentialpartitionkey, referentialid) ON UPDATE CASCADE ON DELETE RESTRICT"
    : "FOREIGN KEY (referentialpartitionkey, aliasid) REFERENCES dms.alias(referentialpartitionkey, id) ON UPDATE CASCADE ON DELETE RESTRICT";
  return [
    { table: "document", name: "document_pkey", def: `PRIMARY KEY (documentpartitionkey, id)${immediate}` },
    { table: "alias", name: "alias_pkey", def: `PRIMARY KEY (referentialpartitionkey, id)${immediate}` },
    {
      table: "alias",
      name: "fk_alias_document",
      def: `FOREIGN KEY (documentpartitionkey, documentid) REFERENCES dms.document(documentpartitionkey, id) ON DELETE CASCADE${immediate}`,
    },
    {
      table: "reference",
      name: "fk_reference_parentdocument",
      def: `FOREIGN KEY (parentdocumentpartitionkey, parentdocumentid) REFERENCES dms.document(documentpartitionkey, id) ON DELETE CASCADE${immediate}`,
    },
    {
      table: "reference",
      name: "fk_reference_referencedalias",
      def: `${aliasFk}${shape.aliasFkDeferred ? " DEFERRABLE INITIALLY DEFERRED" : immediate}`,
    },
    ...(shape.referencedDocumentColumns
      ? [
          {
            table: "reference" as const,
            name: "fk_reference_referenceddocument",
            def: `FOREIGN KEY (referenceddocumentpartitionkey, referenceddocumentid) REFERENCES dms.document(documentpartitionkey, id)${immediate}`,
          },
        ]
      : []),
    { table: "reference", name: "reference_pkey", def: `PRIMARY KEY (parentdocumentpartitionkey, id)${immediate}` },
  ];
}
