// Server parameters for the Ed-Fi DMS Azure Database for PostgreSQL Flexible Server (seed 004: autovacuum that
// keeps up with delete-then-insert churn, and what Phase 0 needs to measure it). The stacks pass this object to
// the PostgresServer component, which applies parameters one after another (Azure rejects parallel updates).
// Only parameters that take effect without a restart are listed; autovacuum_max_workers and
// shared_preload_libraries need a restart and are deliberately left to a maintenance change.

export interface ServerParameter {
  value: string;
  /** Why we set it (shown in plans and reviews). */
  reason: string;
}

export const edfiServerParameterDocs: Record<string, ServerParameter> = {
  // Per-leaf scale factors (migration 0001) decide *when* autovacuum starts on a Reference leaf; these decide
  // how fast it gets through: the default budget (200 per 2 ms) is far below a write-hot table's churn.
  autovacuum_vacuum_cost_limit: { value: "2000", reason: "10× the default vacuum I/O budget so Reference leaves are vacuumed faster than they bloat" },
  autovacuum_vacuum_cost_delay: { value: "2", reason: "2 ms sleep per budget (PostgreSQL 12+ default), stated explicitly with the raised limit" },
  autovacuum_naptime: { value: "15", reason: "seconds between autovacuum rounds (default 60): 16+ hot leaves cross their thresholds often" },
  autovacuum_work_mem: { value: "262144", reason: "256 MB (kB) of dead-tuple memory per worker: fewer index passes on large leaves" },
  maintenance_work_mem: { value: "524288", reason: "512 MB (kB) for REINDEX CONCURRENTLY and index builds of migrations 0002/0004/0006" },
  max_wal_size: { value: "8192", reason: "8 GB (MB) between checkpoints: reindex, copy and churn without checkpoint storms" },
  log_autovacuum_min_duration: { value: "10000", reason: "log autovacuum runs over 10 s: the dead/live ratio evidence seed 004 asks for" },
  track_io_timing: { value: "on", reason: "I/O timings in pg_stat_io / pg_stat_statements for the measurement plan" },
  "pg_stat_statements.track": { value: "all", reason: "count statements inside dms.InsertReferences, not only the top-level call" },
  "azure.extensions": { value: "PG_STAT_STATEMENTS,PGSTATTUPLE,AMCHECK", reason: "allow-list the extensions of seed 004's measurement plan" },
};

/** Name → value, the plain settings object PostgresServer takes. */
export const edfiServerParameters: Record<string, string> = Object.fromEntries(
  Object.entries(edfiServerParameterDocs).map(([k, v]) => [k, v.value]),
);
