// The shipped GitHub workflow checked against the published GitHub workflow JSON schema (SchemaStore, vendored).
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { PROJECT_ROOT } from "../../stacks/fleet";

const schema = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/schemas/github-workflow.json"), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: false });
addFormats(validate);
const check = validate.compile(schema);
const workflow = YAML.parse(readFileSync(path.join(PROJECT_ROOT, ".github/workflows/sqlfleet.yml"), "utf8")) as Record<string, unknown>;

describe(".github/workflows/sqlfleet.yml", () => {
  it("is valid against the GitHub workflow schema", () => {
    expect(check(workflow) ? [] : check.errors).toEqual([]);
  });

  it("the validator rejects a broken workflow (the check can fail)", () => {
    expect(check({ ...workflow, jobs: { "pr-check": { steps: [] } } })).toBe(false);
  });

  it("runs sqlfleet pr against the PR's base ref, uploads SARIF, writes the step summary, caches node_modules", () => {
    const text = readFileSync(path.join(PROJECT_ROOT, ".github/workflows/sqlfleet.yml"), "utf8");
    const steps = ((workflow.jobs as Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>)["pr-check"]).steps;
    expect(Object.keys(workflow.on as object)).toEqual(["pull_request"]);
    expect(steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith("actions/cache") && s.with?.path === "node_modules")).toBe(true);
    expect(text).toMatch(/sqlfleet pr .*--format sarif .*--summary "\$GITHUB_STEP_SUMMARY"/);
    expect(text).toContain("github.base_ref");
  });
});
