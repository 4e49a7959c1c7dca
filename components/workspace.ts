// Workspace: one customer's FHIR and DICOM databases, placed as decided by placement/ (pool or Hyperscale), with
// their own collation and tags, optionally a per-customer CMK, a per-customer failover group and the FHIR schema —
// one node in the resource tree, tagged, and deprovisionable only through an explicit flag.
// Every child's args are validated before anything registers; errors name the Workspace field.
import * as pulumi from "@pulumi/pulumi";
import { CustomerManagedKey, validateCustomerManagedKeyArgs, type CustomerManagedKeyArgs } from "./customer-managed-key";
import { FailoverGroup, validateFailoverGroupArgs, type FailoverGroupArgs } from "./failover-group";
import { SqlDatabase, validateSqlDatabaseArgs, type BackupRedundancy, type DatabasePlacement, type LongTermRetention, type SqlDatabaseArgs } from "./sql-database";
import type { AlertSettings, CmkRef, DatabaseRef, Diagnostics, ProtectionArgs, ServerRef, Tags } from "./types";
import { ComponentValidationError, Validator } from "./validation";

export type WorkspaceDatabaseKind = "fhir" | "dicom";
export const WORKSPACE_DATABASE_KINDS: readonly WorkspaceDatabaseKind[] = ["fhir", "dicom"];

export interface WorkspaceArgs extends ProtectionArgs {
  /** Lower-case slug (^[a-z][a-z0-9-]{1,30}[a-z0-9]$); prefixes database names and becomes the customer tag. */
  customerId: string;
  server: ServerRef;
  /** At least one; each with the placement decided by placement/. */
  databases: Partial<Record<WorkspaceDatabaseKind, DatabasePlacement>>;
  /** Per-customer failover group to the paired region. */
  failover?: {
    secondary: ServerRef;
    secondaryPoolNames?: string[];
    /** Default `fog-<customerId>`; must be globally unique, so stacks should include the environment. */
    groupName?: string;
    gracePeriodMinutes?: number;
    primaryKey?: CmkRef;
  };
  backupRedundancy?: BackupRedundancy;
  allowLocalBackupRedundancy?: boolean;
  shortTermRetentionDays?: number;
  longTermRetention?: LongTermRetention | false;
  /** Per-database CMK for this customer's databases; default: the server's key. */
  databaseCmk?: CmkRef;
  /** Create the customer's own key (vault, key, identity) under the workspace and use it as databaseCmk. */
  customerKey?: Omit<CustomerManagedKeyArgs, keyof ProtectionArgs>;
  /** Create-time settings and extra tags per database (collation default SQL_Latin1_General_CP1_CI_AS). */
  databaseSettings?: Partial<Record<WorkspaceDatabaseKind, { collation?: string; tags?: Tags }>>;
  /** Builds the FHIR database's schema resource under the workspace (after the failover group, if any). */
  fhirSchema?: (name: string, fhir: SqlDatabase, opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[]; aliases?: pulumi.Alias[] }) => pulumi.Resource;
  /**
   * The children used to be registered at the stack root (customer stacks before the Workspace): alias each to
   * its old root URN (<name>-<kind>, <name>-cmk, <name>-fog, <name>-fhir-schema) so nothing is replaced.
   */
  aliasFromStackRoot?: boolean;
  diagnostics?: Diagnostics;
  alerts?: AlertSettings;
  tags?: Tags;
}

/** Re-labels a child's validation error with the Workspace field it came from. */
function asWorkspaceError(name: string, e: unknown, mapField: (field: string) => string): never {
  if (e instanceof ComponentValidationError) throw new ComponentValidationError("Workspace", name, mapField(e.field), e.value, e.allowed);
  throw e;
}

/** The SqlDatabase args for one of the workspace's databases. */
function databaseArgs(args: WorkspaceArgs, kind: WorkspaceDatabaseKind): SqlDatabaseArgs {
  return {
    server: args.server,
    databaseName: `${args.customerId}-${kind}`,
    placement: args.databases[kind]!,
    backupRedundancy: args.backupRedundancy,
    allowLocalBackupRedundancy: args.allowLocalBackupRedundancy,
    shortTermRetentionDays: args.shortTermRetentionDays,
    longTermRetention: args.longTermRetention,
    databaseCmk: args.databaseCmk,
    collation: args.databaseSettings?.[kind]?.collation,
    diagnostics: args.diagnostics,
    alerts: args.alerts,
    deprovision: args.deprovision,
    tags: { ...(args.tags ?? {}), customer: args.customerId, workload: kind, ...(args.databaseSettings?.[kind]?.tags ?? {}) },
  };
}

/** The FailoverGroup args for the workspace's databases, or undefined without `failover`. */
function failoverArgs(args: WorkspaceArgs, databases: DatabaseRef[]): FailoverGroupArgs | undefined {
  if (!args.failover) return undefined;
  return {
    failoverGroupName: args.failover.groupName ?? `fog-${args.customerId}`,
    primary: args.server,
    secondary: args.failover.secondary,
    databases,
    secondaryPoolNames: args.failover.secondaryPoolNames,
    primaryKey: args.failover.primaryKey,
    gracePeriodMinutes: args.failover.gracePeriodMinutes,
    deprovision: args.deprovision,
    tags: { ...(args.tags ?? {}), customer: args.customerId },
  };
}

/** Checks Workspace args, and every child's, without creating anything. Returns the database kinds to create. */
export function validateWorkspaceArgs(name: string, args: WorkspaceArgs): { kinds: WorkspaceDatabaseKind[] } {
  const v: Validator = new Validator("Workspace", name);
  v.pattern("customerId", args.customerId, /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, "3–32 lower-case letters, digits and hyphens, starting with a letter");
  const kinds = Object.keys(args.databases ?? {}) as WorkspaceDatabaseKind[];
  v.check(kinds.length > 0, "databases", args.databases, "at least one of fhir, dicom");
  for (const k of kinds) v.oneOf("databases", k, WORKSPACE_DATABASE_KINDS);
  for (const [k, val] of Object.entries(args.tags ?? {})) {
    v.check(k.length <= 512 && typeof val === "string" && val.length <= 256, `tags.${k}`, val, "tag names ≤ 512 and values ≤ 256 characters");
  }
  if (args.customerKey) {
    v.check(args.databaseCmk === undefined, "customerKey", "(set)", "either customerKey or databaseCmk, not both");
    try {
      validateCustomerManagedKeyArgs(`${name}-cmk`, args.customerKey);
    } catch (e) {
      asWorkspaceError(name, e, (f) => `customerKey.${f}`);
    }
  }
  for (const kind of Object.keys(args.databaseSettings ?? {})) v.check(kinds.includes(kind as WorkspaceDatabaseKind), `databaseSettings.${kind}`, "(set)", `settings only for the workspace's databases (${kinds.join(", ")})`);
  for (const kind of kinds) {
    try {
      validateSqlDatabaseArgs(`${name}-${kind}`, databaseArgs(args, kind));
    } catch (e) {
      asWorkspaceError(name, e, (f) => (f.startsWith("placement.") ? `databases.${kind}.${f.slice("placement.".length)}` : f === "databaseName" ? "customerId" : f));
    }
  }
  const planned = failoverArgs(
    args,
    kinds.map((kind) => {
      const p = args.databases[kind]!;
      return { id: "", databaseName: `${args.customerId}-${kind}`, poolName: p.kind === "pool" ? p.pool.name : undefined };
    }),
  );
  if (planned) {
    try {
      validateFailoverGroupArgs(`${name}-failover`, planned);
    } catch (e) {
      asWorkspaceError(name, e, (f) => {
        if (f === "failoverGroupName") return "failover.groupName";
        const m = /^databases\[(\d+)\]\.poolName$/.exec(f);
        if (m) return `databases.${kinds[Number(m[1])]}.pool.name (failover.secondaryPoolNames)`;
        return f === "primary.location" ? "server.location" : `failover.${f}`;
      });
    }
  }
  return { kinds };
}

/** Puts a direct child back at its pre-Workspace root URN (`parent: undefined` is the SDK's "no parent"). */
function rootAlias(enabled: boolean | undefined, oldName: string): pulumi.Alias[] | undefined {
  return enabled ? [{ name: oldName, parent: pulumi.rootStackResource }] : undefined;
}

export class Workspace extends pulumi.ComponentResource {
  readonly customerId: string;
  readonly customerKey?: CustomerManagedKey;
  readonly fhirSchema?: pulumi.Resource;
  readonly databases: Partial<Record<WorkspaceDatabaseKind, SqlDatabase>> = {};
  readonly failoverGroup?: FailoverGroup;
  /** Read-write endpoint: the failover group listener, else the server FQDN. */
  readonly readWriteEndpoint: pulumi.Output<string>;
  readonly readOnlyEndpoint?: pulumi.Output<string>;
  /** Database resource ids by kind. */
  readonly databaseIds: Partial<Record<WorkspaceDatabaseKind, pulumi.Output<string>>> = {};

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    const { kinds } = validateWorkspaceArgs(name, args);

    super("sqlfleet:workspace:Workspace", name, {}, opts);
    this.customerId = args.customerId;
    const legacy = args.aliasFromStackRoot;
    let wsArgs = args;
    if (args.customerKey) {
      this.customerKey = new CustomerManagedKey(`${name}-cmk`, { ...args.customerKey, deprovision: args.deprovision }, { parent: this, aliases: rootAlias(legacy, `${name}-cmk`) });
      wsArgs = { ...args, databaseCmk: this.customerKey };
    }
    for (const kind of kinds) {
      const db = new SqlDatabase(`${name}-${kind}`, databaseArgs(wsArgs, kind), { parent: this, aliases: rootAlias(legacy, `${name}-${kind}`) });
      this.databases[kind] = db;
      this.databaseIds[kind] = db.id;
    }
    const members = kinds.map((k) => this.databases[k]!);
    const finalFog = failoverArgs(args, members);
    if (finalFog) {
      this.failoverGroup = new FailoverGroup(`${name}-failover`, finalFog, { parent: this, aliases: rootAlias(legacy, `${name}-fog`) });
      this.readWriteEndpoint = pulumi.output(this.failoverGroup.readWriteListener);
      this.readOnlyEndpoint = pulumi.output(this.failoverGroup.readOnlyListener);
    } else {
      this.readWriteEndpoint = pulumi.output(args.server.fqdn ?? pulumi.interpolate`${args.server.name}.database.windows.net`);
    }
    if (args.fhirSchema && this.databases.fhir) {
      this.fhirSchema = args.fhirSchema(`${name}-fhir-schema`, this.databases.fhir, {
        parent: this,
        dependsOn: this.failoverGroup ? [this.failoverGroup] : [],
        aliases: rootAlias(legacy, `${name}-fhir-schema`),
      });
    }
    this.registerOutputs({ databaseIds: this.databaseIds, readWriteEndpoint: this.readWriteEndpoint, readOnlyEndpoint: this.readOnlyEndpoint });
  }
}
