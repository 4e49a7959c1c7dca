// The CrossGuard entry point (`pulumi preview --policy-pack policies`). Constructing a PolicyPack starts its gRPC
// server, so this file does nothing else; the rules live in side-effect-free modules (build.ts, rules/).
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, buildPolicies } from "./build";

new PolicyPack(PACK_NAME, {
  displayName: "sqlfleet security benchmark",
  description: "Azure SQL, Key Vault and PostgreSQL controls of the Microsoft cloud security benchmark, CIS and PCI DSS for the sqlfleet data tier.",
  enforcementLevel: "mandatory",
  policies: buildPolicies(),
});
