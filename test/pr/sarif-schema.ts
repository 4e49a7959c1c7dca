// The official SARIF 2.1.0 JSON schema (draft-04, vendored under test/fixtures/schemas with its source URL),
// compiled with ajv: the PR tests validate real output against it instead of matching strings.
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import path from "node:path";

const schema = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/schemas/sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Schema errors of a SARIF log, as readable lines (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}
