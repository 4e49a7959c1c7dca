// Unit conversions shared by the SQL components (Azure takes sizes in bytes).
export const GB = 1024 ** 3;

export function gbToBytes(gb: number): number {
  return gb * GB;
}

/** SKU name prefixes per vCore edition. */
export const EDITION_SKU_PREFIX = { GeneralPurpose: "GP", BusinessCritical: "BC", Hyperscale: "HS" } as const;
