// PL/pgSQL objects of the staging strategy on PostgreSQL. Table names only ever reach dynamic SQL through
// format('%I'), values through USING; the conformance type names are validated words (options.ts) spliced as
// literals. Everything lives in schema `fhir` next to the store it migrates:
//  - fhir.resource_swap: one row per live leaf (its bound, the staging and retired names, state, lock held);
//  - fhir.resource_staging: partitioned like fhir.resource, one staging leaf per live leaf;
//  - resource_staging_sync: AFTER row trigger on each live leaf mirroring every write into staging (the catch-up
//    of rows written during the copy happens synchronously, in the writer's own transaction);
//  - resource_retired_sync: after the cutover, mirrors writes on the new leaf into the retired old leaf, so a
//    rollback (switch back) loses no write made since the cutover;
//  - staging_cutover / staging_switch_back: one leaf per call, one transaction, short lock_timeout.

/** Columns of the resource store in table order, without partition_id (the FHIR server's dbo.Resource shape). */
export const RESOURCE_COLUMNS = [
  "resource_type_id",
  "resource_id",
  "version",
  "is_history",
  "resource_surrogate_id",
  "is_deleted",
  "request_method",
  "raw_resource",
  "is_raw_resource_meta_set",
  "search_param_hash",
  "transaction_id",
  "history_transaction_id",
] as const;

const COLS = RESOURCE_COLUMNS.join(", ");
const TYPE_NAME = /^[A-Z][A-Za-z]{1,63}$/;

/** SQL literal list of validated resource type names, e.g. 'SearchParameter', 'ValueSet'. */
export function typeNameList(types: string[]): string {
  if (types.length === 0) throw new Error("staging strategy: the conformance type list is empty");
  return types
    .map((t) => {
      if (!TYPE_NAME.test(t)) throw new Error(`staging strategy: conformance type ${JSON.stringify(t)} must match ${TYPE_NAME}`);
      return `'${t}'`;
    })
    .join(", ");
}

/** Expression giving a row's target partition: 1 for conformance types, else the value it has. */
export function targetPartitionExpr(row: string, types: string[]): string {
  return `CASE WHEN ${row}.resource_type_id IN (SELECT resource_type_id FROM fhir.resource_type WHERE name IN (${typeNameList(types)})) THEN 1::smallint ELSE ${row}.partition_id END`;
}

/** Order-independent content hash of rows (every column but partition_id, which the migration changes). */
export const CONTENT_HASH = `coalesce(sum(hashtextextended(ROW(${COLS})::text, 0)::numeric), 0)`;

/** The copy batch the backfill executor runs per key range: $1 resource type, ($2, $3] surrogate ids. */
export function copyBatchSql(types: string[]): string {
  // FOR SHARE: a concurrent UPDATE/DELETE of a row in this range waits for the batch, then its trigger corrects
  // the staging row; a row changed before the batch is read in its new version (no stale copy, no resurrection).
  return `INSERT INTO fhir.resource_staging (${COLS}, partition_id)
  SELECT ${RESOURCE_COLUMNS.map((c) => `r.${c}`).join(", ")}, ${targetPartitionExpr("r", types)}
    FROM fhir.resource r
   WHERE r.resource_type_id = $1 AND r.resource_surrogate_id > $2::bigint AND r.resource_surrogate_id <= $3::bigint
     -- only while this type's leaf is still staged (a repair pass after a cutover must not write into staging)
     AND EXISTS (SELECT 1 FROM fhir.resource_swap w WHERE w.state = 'staged'
                    AND (w.bound_value = $1 OR (w.bound_value IS NULL AND NOT EXISTS (SELECT 1 FROM fhir.resource_swap x WHERE x.bound_value = $1))))
     FOR SHARE OF r
  ON CONFLICT (resource_type_id, resource_surrogate_id) DO NOTHING`;
}

export function bookkeepingDdl(): string {
  return `CREATE TABLE IF NOT EXISTS fhir.resource_swap (
    swap_id int GENERATED ALWAYS AS IDENTITY UNIQUE,
    leaf_name text PRIMARY KEY,
    bound_value int,
    stg_name text NOT NULL UNIQUE,
    old_name text NOT NULL UNIQUE,
    chk_name text NOT NULL,
    state text NOT NULL DEFAULT 'staged' CHECK (state IN ('staged', 'swapped', 'rolled_back', 'dropped')),
    lock_ms float8,
    swapped_at timestamptz,
    dropped_at timestamptz)`;
}

/** Registers every leaf of fhir.resource (single-value list leaves and the default leaf). */
export function registerLeavesSql(): string {
  return `DO $$
  DECLARE r record;
  BEGIN
    FOR r IN
      SELECT c.relname, n.nspname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE i.inhparent = 'fhir.resource'::regclass
    LOOP
      IF r.nspname <> 'fhir' THEN
        RAISE EXCEPTION 'staging strategy: leaf %.% of fhir.resource is outside schema fhir; allowed: leaves in schema fhir', r.nspname, r.relname;
      END IF;
      IF r.bound <> 'DEFAULT' AND r.bound !~ '^FOR VALUES IN \\(''?-?[0-9]+''?\\)$' THEN
        RAISE EXCEPTION 'staging strategy: leaf fhir.% has bound "%"; allowed: one resource type per leaf or DEFAULT', r.relname, r.bound;
      END IF;
      IF length(r.relname) > 59 THEN
        RAISE EXCEPTION 'staging strategy: leaf name fhir.% is longer than 59 characters (the _stg/_old suffixes must fit in 63)', r.relname;
      END IF;
      INSERT INTO fhir.resource_swap (leaf_name, bound_value, stg_name, old_name, chk_name)
      VALUES (r.relname,
              CASE WHEN r.bound = 'DEFAULT' THEN NULL ELSE substring(r.bound from '-?[0-9]+')::int END,
              r.relname || '_stg', r.relname || '_old', r.relname || '_chk')
      ON CONFLICT (leaf_name) DO NOTHING;
    END LOOP;
  END $$`;
}

export function functionsDdl(types: string[], lockTimeoutDefaultMs: number): string[] {
  const newCols = RESOURCE_COLUMNS.map((c) => `NEW.${c}`).join(", ");
  const excluded = [...RESOURCE_COLUMNS.filter((c) => c !== "resource_type_id" && c !== "resource_surrogate_id"), "partition_id"]
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(", ");
  const dollarCols = RESOURCE_COLUMNS.map((c) => `($1).${c}`).join(", ");
  return [
    `CREATE OR REPLACE FUNCTION fhir.resource_staging_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM fhir.resource_staging WHERE resource_type_id = OLD.resource_type_id AND resource_surrogate_id = OLD.resource_surrogate_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO fhir.resource_staging (${COLS}, partition_id)
        VALUES (${newCols}, ${targetPartitionExpr("NEW", types)})
        ON CONFLICT (resource_type_id, resource_surrogate_id) DO UPDATE SET ${excluded};
      END IF;
      RETURN NULL;
    END $fn$`,
    `CREATE OR REPLACE FUNCTION fhir.resource_retired_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        EXECUTE format('DELETE FROM fhir.%I WHERE resource_type_id = $1 AND resource_surrogate_id = $2', TG_ARGV[0])
          USING OLD.resource_type_id, OLD.resource_surrogate_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        EXECUTE format('INSERT INTO fhir.%I (${COLS}, partition_id) SELECT ${dollarCols}, ($1).partition_id', TG_ARGV[0]) USING NEW;
      END IF;
      RETURN NULL;
    END $fn$`,
    // Creates the staging leaf (with the CHECK that lets ATTACH skip its scan), the sync trigger on the live leaf,
    // and a NOT VALID CHECK on the live leaf (validated later without blocking writes) so a switch back can
    // re-attach it without a scan either.
    `CREATE OR REPLACE FUNCTION fhir.staging_prepare() RETURNS int LANGUAGE plpgsql AS $fn$
    DECLARE s record; n int := 0;
    BEGIN
      FOR s IN SELECT * FROM fhir.resource_swap WHERE state = 'staged' ORDER BY swap_id LOOP
        IF to_regclass(format('fhir.%I', s.stg_name)) IS NULL THEN
          IF s.bound_value IS NULL THEN
            EXECUTE format('CREATE TABLE fhir.%I PARTITION OF fhir.resource_staging DEFAULT', s.stg_name);
          ELSE
            EXECUTE format('CREATE TABLE fhir.%I PARTITION OF fhir.resource_staging FOR VALUES IN (%s)', s.stg_name, s.bound_value);
            EXECUTE format('ALTER TABLE fhir.%I ADD CONSTRAINT %I CHECK (resource_type_id = %s)', s.stg_name, s.chk_name, s.bound_value);
          END IF;
        END IF;
        IF s.bound_value IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM pg_constraint WHERE conrelid = format('fhir.%I', s.leaf_name)::regclass AND conname = s.chk_name) THEN
          EXECUTE format('ALTER TABLE fhir.%I ADD CONSTRAINT %I CHECK (resource_type_id = %s) NOT VALID', s.leaf_name, s.chk_name, s.bound_value);
        END IF;
        EXECUTE format('CREATE OR REPLACE TRIGGER resource_staging_sync AFTER INSERT OR UPDATE OR DELETE ON fhir.%I
                        FOR EACH ROW EXECUTE FUNCTION fhir.resource_staging_sync()', s.leaf_name);
        n := n + 1;
      END LOOP;
      RETURN n;
    END $fn$`,
    // Per staged leaf, in one statement (one snapshot, consistent because the trigger writes both sides in the
    // writer's transaction): rows and content hash of the live leaf and of its staging leaf.
    `CREATE OR REPLACE FUNCTION fhir.staging_compare()
       RETURNS TABLE (leaf_name text, old_rows bigint, new_rows bigint, old_hash numeric, new_hash numeric)
       LANGUAGE plpgsql AS $fn$
    DECLARE s record;
    BEGIN
      FOR s IN SELECT * FROM fhir.resource_swap w WHERE w.state = 'staged' ORDER BY w.swap_id LOOP
        leaf_name := s.leaf_name;
        EXECUTE format('SELECT (SELECT count(*) FROM fhir.%I), (SELECT count(*) FROM fhir.%I),
                               (SELECT ${CONTENT_HASH} FROM fhir.%I), (SELECT ${CONTENT_HASH} FROM fhir.%I)',
                       s.leaf_name, s.stg_name, s.leaf_name, s.stg_name)
          INTO old_rows, new_rows, old_hash, new_hash;
        RETURN NEXT;
      END LOOP;
    END $fn$`,
    // The cutover of one leaf: one transaction, short lock_timeout (a lock timeout aborts it whole; the runner
    // retries with backoff). Leaves at most p_verify_max_rows rows are re-counted and re-hashed under the lock.
    `CREATE OR REPLACE FUNCTION fhir.staging_cutover(p_swap_id int, p_lock_timeout_ms int DEFAULT ${lockTimeoutDefaultMs}, p_verify_max_rows bigint DEFAULT 0)
       RETURNS float8 LANGUAGE plpgsql AS $fn$
    DECLARE s record; t0 timestamptz; est float8; a bigint; b bigint; ha numeric; hb numeric; held float8;
    BEGIN
      SELECT * INTO s FROM fhir.resource_swap WHERE swap_id = p_swap_id FOR UPDATE;
      IF NOT FOUND OR s.state <> 'staged' THEN RETURN NULL; END IF;
      PERFORM set_config('lock_timeout', p_lock_timeout_ms || 'ms', true);
      -- Writers lock the parent, then the leaf, then (trigger) staging: take them in the same order. DETACH (not
      -- CONCURRENTLY, which cannot share a transaction with the ATTACH) needs AccessExclusive on the parent.
      LOCK TABLE ONLY fhir.resource IN ACCESS EXCLUSIVE MODE;
      EXECUTE format('LOCK TABLE ONLY fhir.%I IN ACCESS EXCLUSIVE MODE', s.leaf_name);
      LOCK TABLE ONLY fhir.resource_staging IN ACCESS EXCLUSIVE MODE;
      EXECUTE format('LOCK TABLE ONLY fhir.%I IN ACCESS EXCLUSIVE MODE', s.stg_name);
      t0 := clock_timestamp();
      IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = format('fhir.%I', s.leaf_name)::regclass
                        AND tgname = 'resource_staging_sync' AND tgenabled <> 'D') THEN
        RAISE EXCEPTION 'staging cutover of fhir.%: the sync trigger is missing or disabled, the staging copy may have missed writes', s.leaf_name;
      END IF;
      SELECT reltuples INTO est FROM pg_class WHERE oid = format('fhir.%I', s.leaf_name)::regclass;
      IF est <= p_verify_max_rows THEN
        EXECUTE format('SELECT (SELECT count(*) FROM fhir.%I), (SELECT count(*) FROM fhir.%I),
                               (SELECT ${CONTENT_HASH} FROM fhir.%I), (SELECT ${CONTENT_HASH} FROM fhir.%I)',
                       s.leaf_name, s.stg_name, s.leaf_name, s.stg_name) INTO a, b, ha, hb;
        IF a <> b OR ha <> hb THEN
          RAISE EXCEPTION 'staging cutover of fhir.%: % live rows vs % staged rows (or content hash differs); not switching', s.leaf_name, a, b;
        END IF;
      END IF;
      EXECUTE format('DROP TRIGGER resource_staging_sync ON fhir.%I', s.leaf_name);
      EXECUTE format('ALTER TABLE fhir.resource DETACH PARTITION fhir.%I', s.leaf_name);
      EXECUTE format('ALTER TABLE fhir.resource_staging DETACH PARTITION fhir.%I', s.stg_name);
      EXECUTE format('ALTER TABLE fhir.%I RENAME TO %I', s.leaf_name, s.old_name);
      EXECUTE format('ALTER TABLE fhir.%I RENAME TO %I', s.stg_name, s.leaf_name);
      IF s.bound_value IS NULL THEN
        EXECUTE format('ALTER TABLE fhir.resource ATTACH PARTITION fhir.%I DEFAULT', s.leaf_name);
      ELSE
        EXECUTE format('ALTER TABLE fhir.resource ATTACH PARTITION fhir.%I FOR VALUES IN (%s)', s.leaf_name, s.bound_value);
      END IF;
      EXECUTE format('CREATE TRIGGER resource_retired_sync AFTER INSERT OR UPDATE OR DELETE ON fhir.%I
                      FOR EACH ROW EXECUTE FUNCTION fhir.resource_retired_sync(%L)', s.leaf_name, s.old_name);
      held := extract(epoch FROM clock_timestamp() - t0) * 1000;
      UPDATE fhir.resource_swap SET state = 'swapped', swapped_at = now(), lock_ms = held WHERE swap_id = p_swap_id;
      RETURN held;
    END $fn$`,
    // Rollback of one leaf after its cutover: the retired leaf (kept current by resource_retired_sync) goes back.
    `CREATE OR REPLACE FUNCTION fhir.staging_switch_back(p_swap_id int, p_lock_timeout_ms int DEFAULT ${lockTimeoutDefaultMs})
       RETURNS float8 LANGUAGE plpgsql AS $fn$
    DECLARE s record; t0 timestamptz; held float8;
    BEGIN
      SELECT * INTO s FROM fhir.resource_swap WHERE swap_id = p_swap_id FOR UPDATE;
      IF NOT FOUND OR s.state NOT IN ('swapped', 'dropped') THEN RETURN NULL; END IF;
      IF s.state = 'dropped' THEN
        RAISE EXCEPTION 'staging rollback of fhir.%: its old data was dropped at %; roll forward instead', s.leaf_name, s.dropped_at;
      END IF;
      PERFORM set_config('lock_timeout', p_lock_timeout_ms || 'ms', true);
      LOCK TABLE ONLY fhir.resource IN ACCESS EXCLUSIVE MODE;
      EXECUTE format('LOCK TABLE ONLY fhir.%I, fhir.%I IN ACCESS EXCLUSIVE MODE', s.leaf_name, s.old_name);
      t0 := clock_timestamp();
      EXECUTE format('DROP TRIGGER IF EXISTS resource_retired_sync ON fhir.%I', s.leaf_name);
      EXECUTE format('ALTER TABLE fhir.resource DETACH PARTITION fhir.%I', s.leaf_name);
      EXECUTE format('ALTER TABLE fhir.%I RENAME TO %I', s.leaf_name, s.stg_name);
      EXECUTE format('ALTER TABLE fhir.%I RENAME TO %I', s.old_name, s.leaf_name);
      IF s.bound_value IS NULL THEN
        EXECUTE format('ALTER TABLE fhir.resource ATTACH PARTITION fhir.%I DEFAULT', s.leaf_name);
      ELSE
        EXECUTE format('ALTER TABLE fhir.resource ATTACH PARTITION fhir.%I FOR VALUES IN (%s)', s.leaf_name, s.bound_value);
      END IF;
      held := extract(epoch FROM clock_timestamp() - t0) * 1000;
      UPDATE fhir.resource_swap SET state = 'rolled_back', lock_ms = held WHERE swap_id = p_swap_id;
      RETURN held;
    END $fn$`,
    // Refuses a rollback once any retired leaf was dropped (checked before anything is undone).
    `CREATE OR REPLACE FUNCTION fhir.staging_assert_reversible() RETURNS void LANGUAGE plpgsql AS $fn$
    DECLARE d text;
    BEGIN
      SELECT string_agg(leaf_name, ', ' ORDER BY leaf_name) INTO d FROM fhir.resource_swap WHERE state = 'dropped';
      IF d IS NOT NULL THEN
        RAISE EXCEPTION 'staging rollback refused: the old data of % was dropped; roll forward instead', d;
      END IF;
    END $fn$`,
    // Undoes the setup from any partial state: triggers, constraints added to live leaves, staging tables.
    `CREATE OR REPLACE FUNCTION fhir.staging_teardown() RETURNS void LANGUAGE plpgsql AS $fn$
    DECLARE s record;
    BEGIN
      PERFORM fhir.staging_assert_reversible();
      FOR s IN SELECT * FROM fhir.resource_swap ORDER BY swap_id LOOP
        IF s.state = 'swapped' THEN
          RAISE EXCEPTION 'staging teardown: fhir.% is still switched to its staged copy; switch it back first', s.leaf_name;
        END IF;
        IF to_regclass(format('fhir.%I', s.leaf_name)) IS NOT NULL THEN
          EXECUTE format('DROP TRIGGER IF EXISTS resource_staging_sync ON fhir.%I', s.leaf_name);
          EXECUTE format('ALTER TABLE fhir.%I DROP CONSTRAINT IF EXISTS %I', s.leaf_name, s.chk_name);
        END IF;
        EXECUTE format('DROP TABLE IF EXISTS fhir.%I', s.stg_name);
      END LOOP;
      DROP TABLE IF EXISTS fhir.resource_staging;
      DROP TABLE fhir.resource_swap;
    END $fn$`,
  ];
}

export const DROP_FUNCTIONS = [
  "DROP FUNCTION IF EXISTS fhir.staging_teardown()",
  "DROP FUNCTION IF EXISTS fhir.staging_assert_reversible()",
  "DROP FUNCTION IF EXISTS fhir.staging_switch_back(int, int)",
  "DROP FUNCTION IF EXISTS fhir.staging_cutover(int, int, bigint)",
  "DROP FUNCTION IF EXISTS fhir.staging_compare()",
  "DROP FUNCTION IF EXISTS fhir.staging_prepare()",
  "DROP FUNCTION IF EXISTS fhir.resource_retired_sync()",
  "DROP FUNCTION IF EXISTS fhir.resource_staging_sync()",
];
