// Where the committed stack files are: Pulumi.<stack>.yaml in the project root (or a given directory).
import { readdirSync } from "node:fs";
import path from "node:path";
import { stackKind } from "./config/shared";

/** The project root (where Pulumi.yaml lives). */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Names of the committed stacks (Pulumi.<stack>.yaml), environments first, then customers, each sorted. */
export function listStacks(root = PROJECT_ROOT): string[] {
  const names = readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
  const envs = names.filter((s) => stackKind(s).kind === "environment").sort();
  const customers = names.filter((s) => stackKind(s).kind === "customer").sort();
  return [...envs, ...customers];
}

/** Customer stacks of one environment (`prod` → prod-contoso, prod-fabrikam, ...). */
export function customerStacksOf(env: string, root = PROJECT_ROOT): string[] {
  return listStacks(root).filter((s) => {
    const k = stackKind(s);
    return k.kind === "customer" && k.env === env;
  });
}
