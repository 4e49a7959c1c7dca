// Environment-only keys written into a customer file (`Pulumi.<env>-<customer>.yaml`). The engine merges Pulumi.yaml
// defaults for them into every stack, so the customer parser must ignore their values — which would silently drop a
// key a reviewer believes is in force. Refused instead, naming the file, the key and the file where it belongs.
import path from "node:path";
import { CustomerConfigSchema } from "./customer";
import { EnvironmentConfigSchema } from "./environment";
import { InputError } from "./errors";
import { NAMESPACE, stackKind } from "./shared";

/** Keys only the environment stack reads (its schema has them, the customer schema does not). */
export const ENVIRONMENT_ONLY_KEYS: readonly string[] = Object.keys(EnvironmentConfigSchema.shape)
  .filter((k) => !(k in CustomerConfigSchema.shape))
  .sort();

/**
 * Throws an InputError (exit 2) when the customer stack's file sets any environment-only key; `home` is its
 * environment's file; `locate` (the Fleet's) names each key's `file:line`.
 */
export function assertNoEnvironmentKeys(stack: string, file: string, configMap: Record<string, string>, home: string, locate?: (key: string) => string): void {
  const kind = stackKind(stack);
  if (kind.kind !== "customer") return;
  const misplaced = Object.keys(configMap)
    .map((k) => k.split(":"))
    .filter(([ns, key]) => ns === NAMESPACE && ENVIRONMENT_ONLY_KEYS.includes(key))
    .map(([, key]) => `${NAMESPACE}:${key}`);
  if (misplaced.length === 0) return;
  throw new InputError(
    locate ? locate(misplaced[0]) : file,
    `${locate && misplaced.length > 1 ? `${misplaced.slice(1).map((k) => `${locate(k)} `).join("")}` : ""}${misplaced.join(", ")} ${misplaced.length === 1 ? "is an environment setting" : "are environment settings"}, not read from a customer file; set ${misplaced.length === 1 ? "it" : "them"} in ${home} (applies to every ${kind.env} customer) and remove ${misplaced.length === 1 ? "it" : "them"} from ${path.basename(file)}`,
  );
}
