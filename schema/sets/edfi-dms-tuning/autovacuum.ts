// Migration 0001: per-leaf autovacuum/autoanalyze scale factors on dms.Reference (seed 004, "Immediate
// Mitigations"). Reloptions cannot be set on the partitioned parent, so every leaf gets them; each ALTER takes
// ShareUpdateExclusive on one leaf only (DML continues). Rollback resets the keys and re-sets the captured values.
import type { Migration } from "../../types";
import { allHaveReloptions, missingReloptions, REFERENCE_LEAVES, reloptionsOf } from "./catalog-sql";
import type { EdfiTuningOptions } from "./options";

export const AUTOVACUUM_KEYS = [
  "autovacuum_vacuum_scale_factor",
  "autovacuum_analyze_scale_factor",
  "autovacuum_vacuum_insert_scale_factor",
];

export function autovacuumSettings(o: EdfiTuningOptions): string[] {
  return [
    `autovacuum_vacuum_scale_factor=${o.vacuumScaleFactor}`,
    `autovacuum_analyze_scale_factor=${o.analyzeScaleFactor}`,
    `autovacuum_vacuum_insert_scale_factor=${o.insertScaleFactor}`,
  ];
}

const LEAF_LOCK = { mode: "ShareUpdateExclusive", on: "one dms.reference_NN leaf at a time", brief: true };

export function autovacuumMigration(o: EdfiTuningOptions): Migration {
  const wanted = autovacuumSettings(o);
  const setList = wanted.map((kv) => kv.replace("=", " = ")).join(", ");
  return {
    id: "0001-reference-autovacuum",
    description: "aggressive autovacuum/autoanalyze on every dms.Reference leaf to keep up with delete-then-insert churn",
    steps: [
      {
        name: "leaf-reloptions",
        kind: "tuning",
        description: `ALTER TABLE <leaf> SET (${setList}) on each Reference leaf`,
        lock: LEAF_LOCK,
        transactional: true,
        done: allHaveReloptions(REFERENCE_LEAVES, "leaf", wanted),
        beforeImage: reloptionsOf(REFERENCE_LEAVES, "leaf", AUTOVACUUM_KEYS),
        up: [{ forEach: { rows: REFERENCE_LEAVES, statements: [{ sql: `ALTER TABLE {{leaf:qualified}} SET (${setList})` }] } }],
        down: [
          {
            forEach: {
              rows: REFERENCE_LEAVES,
              statements: [{ sql: `ALTER TABLE {{leaf:qualified}} RESET (${AUTOVACUUM_KEYS.join(", ")})` }],
            },
          },
          // Values someone had set before us come back from the before-image.
          { forEach: { rows: "beforeImage", statements: [{ sql: "ALTER TABLE {{rel:qualified}} SET ({{key:keyword}} = {{value:number}})" }] } },
        ],
      },
      {
        name: "validate",
        kind: "validate",
        description: "every Reference leaf carries the autovacuum settings",
        lock: { mode: "AccessShare", on: "catalog only", brief: true },
        transactional: false,
        up: [],
        checks: [{ name: "Reference leaves without the autovacuum settings", sql: missingReloptions(REFERENCE_LEAVES, "leaf", wanted) }],
      },
    ],
  };
}
