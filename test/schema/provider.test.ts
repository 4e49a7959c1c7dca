// The DatabaseSchema dynamic provider at three levels (research/pulumi.md §1.7): what the program registers
// (type token, secrets, retainOnDelete, a provider text that captured no secret), the serialized text loaded in
// a fresh `node` process with cwd = project root and run against a real database, and the real
// @pulumi/pulumi dynamic-provider host over gRPC (check → create → diff → update → delete).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInputs, UNKNOWN } from "../../schema/provider/inputs";
import { databaseSchemaProvider } from "../../schema/provider/provider";
import { setStatus } from "../../schema/plan";
import { rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, one, seed } from "./helpers";
import { FIXTURE_PASSWORD, recordSchemaResource } from "./provider-text";

const ROOT = path.resolve(__dirname, "../..");
const TMP = mkdtempSync(path.join(os.tmpdir(), "sqlfleet-provider-"));
let providerText = "";

function dbArgs(db: TestDatabase, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const u = new URL(db.url);
  return {
    serverFqdn: u.hostname,
    port: Number(u.port),
    databaseName: db.name,
    engine: "postgres",
    migrationSet: "fhir-partitioning",
    authentication: "password",
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ssl: false,
    ...extra,
  };
}

beforeAll(async () => {
  const r = await recordSchemaResource();
  providerText = String(r.inputs.__provider);
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe("what the program registers", () => {
  it("has the sqlfleet type token, a secret password, retainOnDelete and a clean provider text", async () => {
    const r = await recordSchemaResource();
    expect(r.type).toBe("pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema");
    expect(r.secretPaths).toEqual(["password"]);
    expect(r.additionalSecretOutputs).toContain("password");
    expect(r.retainOnDelete).toBe(true);
    expect(r.inputs).toMatchObject({ serverFqdn: "sql-x.database.windows.net", databaseName: "fhir", engine: "postgres", migrationSet: "fhir-partitioning" });
    expect(r.secretPaths).not.toContain("__provider"); // the closure captured no secret
    const text = String(r.inputs.__provider);
    expect(text).toContain("exports.handler");
    expect(text).not.toContain(FIXTURE_PASSWORD);
    expect(text).not.toMatch(/#[a-zA-Z_]+\s*[=;(]/); // no #private members (a SyntaxError when loaded)
    // Drivers are required at run time in the host, never captured as module bindings.
    for (const mod of ["pg", "mssql", "@azure/identity"]) expect(text).toContain(`require("${mod}")`);
    expect(text).not.toMatch(/__vite_ssr_import_\d+__\s*=\s*require|__vi_import/);
  });

  it("is preview-safe: unknown values pass check", async () => {
    const r = await recordSchemaResource({ serverFqdn: pulumi.output(UNKNOWN) }, true);
    expect(r.type).toBe("pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema");
    expect(checkInputs({ ...r.inputs, serverFqdn: UNKNOWN, databaseName: UNKNOWN })).toEqual([]);
  });
});

describe("check names every bad field and its allowed range", () => {
  it("reports each property", async () => {
    const res = await databaseSchemaProvider.check({}, {
      serverFqdn: "not a host",
      databaseName: "db;drop",
      engine: "oracle",
      migrationSet: "nope",
      port: 70000,
      authentication: "password",
      user: "",
      timeBudgetSeconds: 5,
      paused: "yes",
    });
    const byProp = Object.fromEntries(res.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProp).sort()).toEqual(["databaseName", "engine", "migrationSet", "password", "paused", "port", "serverFqdn", "timeBudgetSeconds", "user"]);
    expect(byProp.engine).toBe('DatabaseSchema: engine "oracle" is not supported; allowed: postgres, mssql');
    expect(byProp.port).toBe("DatabaseSchema: port 70000 must be an integer from 1 to 65535");
    expect(byProp.timeBudgetSeconds).toBe("DatabaseSchema: timeBudgetSeconds 5 must be from 10 to 86400");
    expect(byProp.migrationSet).toMatch(/^DatabaseSchema: migrationSet "nope" is unknown; allowed: .*fhir-partitioning/);
  });

  it("validates set options through the set's own parser", async () => {
    const res = await databaseSchemaProvider.check({}, { serverFqdn: "a.b", databaseName: "fhir", engine: "mssql", migrationSet: "fhir-partitioning", options: { conformanceTypes: ["ValueSet", "value set"] } });
    expect(res.failures).toEqual([
      { property: "options", reason: expect.stringMatching(/^DatabaseSchema: fhir-partitioning: option conformanceTypes has "value set"/) },
    ]);
  });
});

interface CallResult {
  method: string;
  ok: boolean;
  result?: Record<string, unknown> | null;
  error?: string;
  id?: string;
  properties?: Record<string, unknown>;
}

function runFresh(calls: { method: string; args: unknown[] }[]): CallResult[] {
  const file = path.join(TMP, "provider.js");
  writeFileSync(file, providerText);
  const r = spawnSync(process.execPath, [path.join(__dirname, "fixtures/load-provider.js"), file], { cwd: ROOT, input: JSON.stringify(calls), encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`fresh process failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as CallResult);
}

describe("the serialized provider in a fresh node process, against a real database", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("prov");
    await seed(db.url, 5_000);
  });
  afterAll(async () => db?.drop());

  it("create (paused → partial), update resumes, diff, read, checksum drift is an error, delete leaves data", async () => {
    const base = dbArgs(db, { timeBudgetSeconds: 60 });
    const [created] = runFresh([{ method: "create", args: [{ ...base, paused: true }] }]);
    expect(created.ok).toBe(false);
    expect(created.error).toMatch(/paused .*run `pulumi up` again to continue/);
    expect(created.id).toBe(`postgres://127.0.0.1/${db.name}#fhir-partitioning`);
    expect(created.properties).toMatchObject({ state: "paused" });
    const olds = created.properties!;
    const out = runFresh([
      { method: "diff", args: [created.id, olds, base] },
      { method: "update", args: [created.id, olds, base] },
    ]);
    expect(out[0].result).toMatchObject({ changes: true, replaces: [] });
    expect(out[1].ok).toBe(true);
    const outs = (out[1].result as { outs: Record<string, unknown> }).outs;
    expect(outs).toMatchObject({ state: "completed", rowsMoved: 500, appliedMigrations: ["0001-resource-store", "0002-lightweight-partitioning"] });
    expect(outs.validation).toMatchObject({ conformance_rows_not_in_partition_1: 0, rows_in_partition_1: 500 });
    const next = runFresh([
      { method: "diff", args: [created.id, outs, base] },
      { method: "diff", args: [created.id, outs, { ...base, databaseName: "other" }] },
      { method: "read", args: [created.id, outs] },
      { method: "update", args: [created.id, outs, { ...base, options: { conformanceTypes: ["ValueSet"] } }] },
      { method: "delete", args: [created.id, outs] },
    ]);
    expect(next[0].result).toMatchObject({ changes: false, replaces: [] });
    expect(next[1].result).toMatchObject({ changes: true, replaces: ["databaseName"] });
    expect((next[2].result as { props: { state: string } }).props.state).toBe("completed");
    expect(next[3].ok).toBe(false);
    expect(next[3].error).toMatch(/0002-lightweight-partitioning" is completed with checksum/);
    expect(next[4].ok).toBe(true);
    const s = await connect(db.url);
    try {
      expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(500); // delete left it alone
      expect((await setStatus(s, "fhir-partitioning")).state).toBe("completed");
      // Out-of-band rollback: diff consults the ledger and reports a change, so the next `up` re-applies.
      await rollbackSet(s, buildSet("fhir-partitioning", "postgres"));
    } finally {
      await s.close();
    }
    const [drift] = runFresh([{ method: "diff", args: [created.id, outs, base] }]);
    expect(drift.result).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("through Pulumi's own dynamic-provider host over gRPC", () => {
  let db: TestDatabase;
  let host: ReturnType<typeof spawn> | undefined;
  beforeAll(async () => {
    db = await createTestDatabase("grpc");
    await seed(db.url, 3_000);
  });
  afterAll(async () => {
    if (host?.pid) process.kill(host.pid, "SIGTERM");
    await db?.drop();
  });

  it("check → create → diff → update → delete", async () => {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const grpc: typeof import("@grpc/grpc-js") = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
    const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }));
    const provproto = require("@pulumi/pulumi/proto/provider_pb");
    const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
    host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:1"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve, reject) => {
      host!.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
      host!.once("exit", (c) => reject(new Error(`host exited ${c}`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, req: unknown): Promise<T> =>
      new Promise((resolve, reject) => client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
    const urn = "urn:pulumi:dev::sqlfleet::pulumi-nodejs:dynamic/sqlfleet:DatabaseSchema::fhir-schema";
    const struct = (o: Record<string, unknown>) => structproto.Struct.fromJavaScript({ ...o, __provider: providerText });
    const news = dbArgs(db, { timeBudgetSeconds: 60, rollbackOnDelete: true });

    const bad = new provproto.CheckRequest();
    bad.setUrn(urn);
    bad.setOlds(structproto.Struct.fromJavaScript({}));
    bad.setNews(struct({ ...news, engine: "oracle" }));
    const badResp = await call<{ getFailuresList(): { getProperty(): string; getReason(): string }[] }>("check", bad);
    expect(badResp.getFailuresList().map((f) => f.getProperty())).toEqual(["engine"]);

    const check = new provproto.CheckRequest();
    check.setUrn(urn);
    check.setOlds(structproto.Struct.fromJavaScript({}));
    check.setNews(struct(news));
    const checked = await call<{ getFailuresList(): unknown[]; getInputs(): { toJavaScript(): Record<string, unknown> } }>("check", check);
    expect(checked.getFailuresList()).toEqual([]);

    const create = new provproto.CreateRequest();
    create.setUrn(urn);
    create.setProperties(checked.getInputs());
    const created = await call<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>("create", create);
    expect(created.getId()).toBe(`postgres://127.0.0.1/${db.name}#fhir-partitioning`);
    const outs = created.getProperties().toJavaScript();
    expect(outs).toMatchObject({ state: "completed", rowsMoved: 300 });

    const diff = new provproto.DiffRequest();
    diff.setId(created.getId());
    diff.setUrn(urn);
    diff.setOlds(created.getProperties());
    diff.setNews(struct({ ...news, timeBudgetSeconds: 120 }));
    const d = await call<{ getChanges(): number; getReplacesList(): string[] }>("diff", diff);
    expect(d.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(d.getReplacesList()).toEqual([]);

    const update = new provproto.UpdateRequest();
    update.setId(created.getId());
    update.setUrn(urn);
    update.setOlds(created.getProperties());
    update.setNews(struct({ ...news, timeBudgetSeconds: 120 }));
    const updated = await call<{ getProperties(): { toJavaScript(): Record<string, unknown> } }>("update", update);
    expect(updated.getProperties().toJavaScript()).toMatchObject({ state: "completed", timeBudgetSeconds: 120, appliedMigrations: [] });

    const del = new provproto.DeleteRequest();
    del.setId(created.getId());
    del.setUrn(urn);
    del.setProperties(updated.getProperties());
    await call("delete", del);
    const s = await connect(db.url);
    try {
      // rollbackOnDelete was requested explicitly: back to the pre-partitioning schema, data kept.
      expect(await one(s, "SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'fhir' AND column_name = 'partition_id'")).toBe(0);
      expect(await one(s, "SELECT count(*)::int FROM fhir.resource")).toBe(3_000);
    } finally {
      await s.close();
    }
    client.close();
  });
});
