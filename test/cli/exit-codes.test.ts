// The error contract (cli/errors.ts) for every command, through the CLI's own entry (`runCli`, what bin/sqlfleet
// runs): 0 success, 1 a policy or validation failure, 2 invalid input naming the file, key or flag.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../cli/main";
import { PROJECT_ROOT } from "../../stacks/fleet";

const dir = mkdtempSync(path.join(tmpdir(), "sqlfleet-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), path.join(dir, name));
const badYaml = file("bad.yaml", "config:\n  sqlfleet:region: [eastus2\n");
const badJson = file("bad.json", "{ not json");
const badPolicyConfig = file("policy.yaml", "- not\n- an object\n");
const badRotation = file("rotation.yaml", "config:\n  sqlfleet:credentialRotationDays: 3\n");
// Values the config schemas accept and a component refuses while the program runs (stacks/component-keys.ts).
const haZero = file(
  "Pulumi.prod-northwell.yaml",
  "config:\n  sqlfleet:customer: northwell\n  sqlfleet:displayName: Northwell Health\n  sqlfleet:fhir:\n    sizeGb: 10240\n    placement:\n      tier: hyperscale\n      vCores: 8\n      haReplicas: 0\n",
);
const pgOddSize = file("Pulumi.dev.yaml", readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8").replace("storageGb: 128", "storageGb: 100"));
const pgLine = readFileSync(pgOddSize, "utf8").split("\n").findIndex((l) => l.includes("storageGb: 100")) + 1;

let stderr: string[] = [];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void stderr.push(a.map(String).join(" ")));
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

// [command line, exit code, what stderr must name]
const cases: [string, number, string | RegExp][] = [
  ["--help", 0, ""],
  ["frobnicate", 2, "unknown command"],
  ["plan", 2, "missing required argument"],
  ["plan dev --bogus", 2, "unknown option '--bogus'"],
  ["plan Not_A_Stack", 2, 'stack "Not_A_Stack"'],
  ["plan prod-nosuchcustomer", 2, "Pulumi.prod-nosuchcustomer.yaml: no such stack config file"],
  [`plan dev --config ${badYaml} --no-policies`, 2, `${badYaml}:3:1: not valid YAML`],
  [`plan prod-fortis --config ${badYaml} --no-policies`, 2, `${badYaml}:3:1: not valid YAML`],
  [`plan dev --against ${badJson} --no-policies`, 2, `${badJson}: not valid JSON`],
  ["plan dev --no-policies", 0, ""],
  [`plan prod-northwell --config ${haZero} --no-policies`, 2, `${haZero}:9 sqlfleet:fhir.placement.haReplicas = 0: allowed 1–4`],
  [`plan dev --config ${pgOddSize} --no-policies`, 2, `${pgOddSize}:${pgLine} sqlfleet:postgres.storageGb = 100`],
  ["customer add prod zz --fhir-gb abc --dry-run", 2, "--fhir-gb"],
  ["customer add prod zz --fhir-gb 100 --dicom-gb 100 --cmk vault --dry-run", 2, "--cmk"],
  ["customer add prod fortis --fhir-gb 100 --dicom-gb 100 --dry-run", 2, "Pulumi.prod-fortis.yaml already exists"],
  ["customer add prod zz --fhir-gb 100 --dicom-gb 100 --dry-run", 0, ""],
  [`rebalance prod --metrics ${badJson}`, 2, `${badJson}: not valid JSON`],
  ["rebalance prod --metrics /nonexistent/metrics.json", 2, "/nonexistent/metrics.json: no such file"],
  ["rebalance prod --metrics placement/examples/prod-metrics.json --window 2026-12-12T22:00Z/PT4H", 2, "--window: only together with --notices"],
  [`rebalance prod --metrics placement/examples/prod-metrics.json --notices ${path.join(dir, "n")} --window tomorrow`, 2, '--window: "tomorrow": expected <start>/<end>'],
  [`rebalance prod --metrics placement/examples/prod-metrics.json --notices ${badJson}`, 2, `--notices ${badJson}: exists and is not a directory`],
  [`plan dev --no-policies --notices ${path.join(dir, "n")}`, 2, "--notices: needs --against <baseline>"],
  [`pr --base HEAD --notices ${path.join(dir, "n")} --window 2026-12-12T22:00Z/PT0H`, 2, "the window must end after it starts"],
  ["deploy prod-fortis --preview", 2, "prod-fortis is not an environment stack"],
  ["deploy prod --customers nosuch --preview", 2, "--customers: prod-nosuch not found"],
  ["policy list", 0, ""],
  [`policy check dev --config ${badPolicyConfig}`, 2, badPolicyConfig],
  ["policy check Not_A_Stack", 2, ""], // named in the per-stack report on stdout
  ["schema plan --set nosuch", 2, '--set "nosuch" is unknown'],
  ["schema apply --set fhir-partitioning --demo-resources -3", 2, "--demo-resources"],
  ["schema status", 2, "required option '--set <name>'"],
  ["logs export --help", 0, ""],
  ["logs export prod --to 2026-01-02", 2, "required option '--from <iso>'"],
  ["logs export prod --from 2026-02-30 --to 2026-03-02", 2, '--from = "2026-02-30" is not an ISO 8601 date'],
  ["logs export prod --from 2026-01-02 --to 2026-01-01", 2, "--to (2026-01-01T00:00:00.000Z) must be after --from"],
  ["logs export prod --from 2026-01-01 --to 2026-01-02 --query logins", 2, "--query"],
  ["logs export prod --from 2026-01-01 --to 2026-01-02 --format xml", 2, "--format"],
  ["logs export prod --from 2026-01-01 --to 2026-01-02 --window-hours 0", 2, "--window-hours"],
  ["logs export prod --from 2026-01-01 --to 2026-01-02", 2, "--workspace-id is required: the id (GUID) of log-sqlfprod-prod in rg-sqlfprod-prod"],
  ["logs export prod-nosuch --from 2026-01-01 --to 2026-01-02", 2, "Pulumi.prod-nosuch.yaml: no such stack config file"],
  ["schema rollout dev", 2, "required option '--set <name>'"],
  ["schema rollout dev --set nosuch", 2, '--set "nosuch" is unknown'],
  ["schema rollout nosuchenv --set fhir-partitioning", 2, "Pulumi.nosuchenv.yaml: no such stack config file"],
  ["schema rollout dev --set fhir-partitioning --concurrency 0", 2, "--concurrency must be an integer from 1 to 1000"],
  ["schema rollout dev --set fhir-partitioning --url-template postgres://u:s3cret@127.0.0.1:1/fixed", 2, /--url-template must contain \{database\}; got postgres:\/\/u:\*\*\*@/],
  ["schema rollout dev --set fhir-partitioning --url-template postgres://u:s3cret@127.0.0.1:1/{database} --canary nosuch", 2, "--canary nosuch is not a database of the fleet"],
  // Every database unreachable (nothing listens on port 1): each one fails, the rollout reports and exits 1.
  ["schema rollout dev --set fhir-partitioning --url-template postgres://u:s3cret@127.0.0.1:1/{database}", 1, /contoso\/contoso-fhir \[gp-01\] failed: .*ECONNREFUSED/],
  ["schema status nosuchenv --set fhir-partitioning", 2, "Pulumi.nosuchenv.yaml: no such stack config file"],
  ["schema status dev --set fhir-partitioning --url-template postgres://u:s3cret@127.0.0.1:1/{database} --entra", 2, "--url-template and --entra are exclusive"],
  ["credentials", 2, "missing required argument"],
  ["credentials Not_A_Stack", 2, 'stack "Not_A_Stack"'],
  ["credentials prod-nosuchcustomer", 2, "Pulumi.prod-nosuchcustomer.yaml: no such stack config file"],
  ["credentials nosuch --json", 2, ""], // the error is the JSON on stdout
  [`credentials dev --config ${badYaml}`, 2, `${badYaml}:3:1: not valid YAML`],
  [`credentials dev --config ${badRotation}`, 2, "credentialRotationDays"],
  ["credentials prod-fortis", 0, ""],
];

describe("exit codes of every command", () => {
  it.each(cases)("sqlfleet %s → %i", async (line, code, names) => {
    const exit = await runCli(line.split(" "));
    expect({ exit, stderr: stderr.join("\n") }).toMatchObject({ exit: code, stderr: expect.stringMatching(typeof names === "string" ? escape(names) : names) });
  }, 120_000);

  it("schema rollout never prints a --url-template password, not even in a connection error", async () => {
    expect(await runCli("schema rollout dev --set fhir-partitioning --url-template postgres://u:s3cret@127.0.0.1:1/{database}".split(" "))).toBe(1);
    expect(stderr.join("\n")).toContain("ECONNREFUSED");
    expect(stderr.join("\n")).not.toContain("s3cret");
  });

  it("an unexpected crash prints one line and points at --debug; --debug prints the stack", async () => {
    // A config file that is a directory: reading it throws EISDIR, which is no input class sqlfleet knows.
    expect(await runCli(["plan", "dev", "--config", dir, "--no-policies"])).toBe(1);
    const lines = stderr.join("\n").trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^.*unexpected error: .*EISDIR.*\(run with --debug for the stack\)/)]);
    stderr = [];
    expect(await runCli(["plan", "dev", "--config", dir, "--no-policies", "--debug"])).toBe(1);
    expect(stderr.join("\n")).toMatch(/\n\s+at /);
  });
});

function escape(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}
