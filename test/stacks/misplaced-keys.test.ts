// Environment-only keys in a customer file are refused (exit 2) naming the file, the key and the file where it
// belongs, instead of being silently ignored.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../cli/main";
import { InputError } from "../../stacks/config/errors";
import { ENVIRONMENT_ONLY_KEYS } from "../../stacks/config/misplaced-keys";
import { loadCustomerConfig, stackFilePath } from "../../stacks/fleet";

const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-misplaced-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the committed prod-northwell file with `lines` added to its config block. */
function customerFile(...lines: string[]): string {
  const file = path.join(dir, "Pulumi.prod-northwell.yaml");
  const yaml = readFileSync(stackFilePath("prod-northwell"), "utf8").replace(/^config:\n/m, `config:\n${lines.map((l) => `  ${l}\n`).join("")}`);
  writeFileSync(file, yaml);
  return file;
}

describe("environment-only keys in a customer file", () => {
  it("covers the keys Pulumi.yaml defaults for every stack, and no customer key", () => {
    expect(ENVIRONMENT_ONLY_KEYS).toEqual(expect.arrayContaining(["backupRedundancy", "logRetentionDays", "shortTermRetentionDays", "failoverGracePeriodMinutes", "region"]));
    expect(ENVIRONMENT_ONLY_KEYS).not.toContain("tags");
  });

  it("a backup-redundancy key is an InputError naming the file, the key and Pulumi.prod.yaml", () => {
    const file = customerFile("sqlfleet:backupRedundancy: Local");
    let err: unknown;
    try {
      loadCustomerConfig("prod-northwell", file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain("sqlfleet:backupRedundancy");
    expect(msg).toContain(path.join(dir, "Pulumi.prod.yaml"));
  });

  it("the committed customer file itself loads (the check is not always on)", () => {
    expect(loadCustomerConfig("prod-northwell").customer).toBe("northwell");
  });

  it("`sqlfleet plan <customer> --config` exits 2 and names every misplaced key and the committed environment file", async () => {
    const file = customerFile("sqlfleet:logRetentionDays: 30", "sqlfleet:shortTermRetentionDays: 1");
    let err = "";
    const e = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (err += `${a.join(" ")}\n`));
    const o = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      process.exitCode = 0;
      await buildProgram().exitOverride().parseAsync(["node", "sqlfleet", "plan", "prod-northwell", "--config", file, "--no-policies"]);
      expect(Number(process.exitCode)).toBe(2);
    } finally {
      e.mockRestore();
      o.mockRestore();
      process.exitCode = 0;
    }
    expect(err).toContain(file);
    expect(err).toContain("sqlfleet:logRetentionDays, sqlfleet:shortTermRetentionDays");
    expect(err).toContain(stackFilePath("prod"));
  });
});
