import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listStacks } from "../../stacks/fleet";
import { affectedStacks } from "../../stacks/pr/affected";
import { changedFiles, materializeBaseStacks } from "../../stacks/pr/git";
import { keyLine, changedKeyPaths } from "../../stacks/pr/key-locator";
import { readFileSync, rmSync } from "node:fs";
import { gitFleet } from "./git-fleet";

describe("affected stacks from a git diff", () => {
  const known = listStacks();

  it("an environment change lists the environment and every customer stack of it, none of the other environment", () => {
    const repo = gitFleet();
    repo.edit("Pulumi.dev.yaml", "config:", "# a comment\nconfig:");
    repo.commit("touch dev");
    const changed = changedFiles(repo.dir, "HEAD~1");
    expect(changed).toEqual(["Pulumi.dev.yaml"]);
    const a = affectedStacks(changed, known);
    expect(a.stacks).toEqual(known.filter((s) => s === "dev" || s.startsWith("dev-")));
    expect(a.stacks).toContain("dev-contoso");
    expect(a.stacks.some((s) => s.startsWith("prod"))).toBe(false);
  });

  it("a change to shared code (components/) affects every stack; a README change none", () => {
    const repo = gitFleet();
    mkdirSync(path.join(repo.dir, "components"));
    writeFileSync(path.join(repo.dir, "components", "sql-server.ts"), "// changed\n");
    writeFileSync(path.join(repo.dir, "NOTES.md"), "docs\n");
    const changed = changedFiles(repo.dir, "HEAD"); // uncommitted + untracked count too
    expect(changed).toEqual(["NOTES.md", "components/sql-server.ts"]);
    expect(affectedStacks(changed, known).stacks).toEqual(known);
    expect(affectedStacks(["NOTES.md"], known).stacks).toEqual([]);
  });

  it("the base's stack files come from git, not from the working tree", () => {
    const repo = gitFleet();
    repo.edit("Pulumi.prod-apollo.yaml", "sizeGb: 800", "sizeGb: 900");
    const base = materializeBaseStacks(repo.dir, "HEAD");
    try {
      expect(readFileSync(path.join(base, "Pulumi.prod-apollo.yaml"), "utf8")).toContain("sizeGb: 800");
      expect(readFileSync(path.join(repo.dir, "Pulumi.prod-apollo.yaml"), "utf8")).toContain("sizeGb: 900");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("locates a changed key's line in the stack file", () => {
    const before = "config:\n  sqlfleet:customer: a\n  sqlfleet:dicom:\n    sizeGb: 800\n    placement:\n      tier: pool\n";
    const after = before.replace("tier: pool", "tier: hyperscale");
    expect(changedKeyPaths(before, after)).toEqual([["sqlfleet:dicom", "placement", "tier"]]);
    expect(keyLine(after, ["sqlfleet:dicom", "placement", "tier"])).toBe(6);
    expect(keyLine(after, ["sqlfleet:dicom", "sizeGb"])).toBe(4);
    expect(keyLine(after, ["sqlfleet:nothing"])).toBe(1);
  });
});
