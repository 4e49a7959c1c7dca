// Key Vault, PostgreSQL and diagnostic-setting policies: each failing case trips exactly its policy.
import { FAILING } from "./cases";
import { runCases } from "./run-cases";

runCases(
  "Key Vault, PostgreSQL and monitoring policies flag their failing fixtures",
  FAILING.filter((c) => !c.policy.startsWith("sqlfleet-sql-") && !c.policy.startsWith("sqlfleet-stack-")),
);
