// The sqlfleet component library: Azure SQL / PostgreSQL data-tier building blocks with secure defaults.
export * from "./types";
export * from "./validation";
export * from "./diagnostics";
export * from "./audit-queries";
export * from "./customer-managed-key";
export * from "./sql-server";
export * from "./elastic-pool";
export * from "./sql-database";
export * from "./failover-group";
export * from "./monitoring";
export * from "./audit-workbook";
export * from "./audit-export";
export * from "./rotating-credential";
export * from "./alert-action-group";
export * from "./key-vault-expiry-alerts";
export * from "./postgres-server";
export * from "./workspace";
