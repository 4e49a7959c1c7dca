// The variable parts of the DMS write path that the tuning set changes. Everything that renders DDL or the
// insert/lookup functions takes a shape, so the baseline and each tuned state are generated from one source.

/** How `dms.Reference` points at `dms.Alias`. */
export type AliasKey = "ReferentialId" | "AliasId";

export interface ReferenceShape {
  /** Hash partitions of `dms.Reference` (Document and Alias stay at 16). */
  referencePartitions: number;
  /** Reference keeps the denormalised ReferencedDocumentId/PartitionKey columns, their FK and their index. */
  referencedDocumentColumns: boolean;
  /** Reference stores the Alias's natural key (ReferentialId uuid) or its surrogate (AliasId bigint). */
  aliasKey: AliasKey;
  /** FK_Reference_ReferencedAlias is DEFERRABLE INITIALLY DEFERRED (checks run at commit). */
  aliasFkDeferred: boolean;
}

/** The shape seed 004 describes as deployed. */
export const BASELINE_SHAPE: ReferenceShape = Object.freeze({
  referencePartitions: 16,
  referencedDocumentColumns: true,
  aliasKey: "ReferentialId",
  aliasFkDeferred: false,
});

export const DOCUMENT_PARTITIONS = 16;
export const ALIAS_PARTITIONS = 16;
/** Partition counts the rebuild accepts for Reference. */
export const REFERENCE_PARTITION_CHOICES = [16, 32, 64] as const;

/** `reference_07`: the leaf naming DMS uses (two digits, zero padded). */
export function leafName(table: string, i: number): string {
  return `${table}_${String(i).padStart(2, "0")}`;
}
