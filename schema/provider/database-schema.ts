// DatabaseSchema: brings a database's schema to a migration set after `pulumi up` created it. Type token
// `pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema`; retainOnDelete by default (delete never drops data).
import * as pulumi from "@pulumi/pulumi";
import type { Engine } from "../types";
import { databaseSchemaProvider } from "./provider";

export interface DatabaseSchemaArgs {
  /** Server host, e.g. the SQL server's fullyQualifiedDomainName output. */
  serverFqdn: pulumi.Input<string>;
  databaseName: pulumi.Input<string>;
  engine: pulumi.Input<Engine>;
  /** A name registered in schema/sets/index.ts, e.g. "fhir-partitioning". */
  migrationSet: pulumi.Input<string>;
  /** Set options, e.g. { conformanceTypes: [...] } for fhir-partitioning. */
  options?: pulumi.Input<Record<string, unknown>>;
  port?: pulumi.Input<number>;
  /** "entra" (default): token acquired at run time by the provider; "password": user + secret password. */
  authentication?: pulumi.Input<"entra" | "password">;
  user?: pulumi.Input<string>;
  /** Wrapped in pulumi.secret here whatever the caller passed. */
  password?: pulumi.Input<string>;
  /**
   * Instead of `password`: a versionless Key Vault secret URI (RotatingCredential.secretUri); the provider reads the
   * current version at run time, so a rotated password needs no change to this resource and no password in its state.
   */
  passwordSecretUri?: pulumi.Input<string>;
  ssl?: pulumi.Input<boolean>;
  timeBudgetSeconds?: pulumi.Input<number>;
  baseline?: pulumi.Input<boolean>;
  paused?: pulumi.Input<boolean>;
  rollbackOnDelete?: pulumi.Input<boolean>;
}

export class DatabaseSchema extends pulumi.dynamic.Resource {
  declare readonly setChecksum: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  declare readonly appliedMigrations: pulumi.Output<string[]>;
  declare readonly rowsMoved: pulumi.Output<number>;
  declare readonly validation: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: DatabaseSchemaArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = {
      ...args,
      password: args.password === undefined ? undefined : pulumi.secret(args.password),
      setChecksum: undefined,
      state: undefined,
      appliedMigrations: undefined,
      rowsMoved: undefined,
      validation: undefined,
    };
    super(
      databaseSchemaProvider,
      name,
      props,
      {
        retainOnDelete: true,
        ...opts,
        additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "password"],
      },
      "sqlfleet",
      "DatabaseSchema",
    );
  }
}
