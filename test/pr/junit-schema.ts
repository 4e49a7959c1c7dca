// A common JUnit XML schema (Jenkins xunit's junit-10.xsd, vendored with its source URL) checked with
// xmllint-wasm (libxml2 compiled to WebAssembly): real XSD validation, no network.
import { readFileSync } from "node:fs";
import path from "node:path";
import { validateXML } from "xmllint-wasm";

const xsd = readFileSync(path.join(__dirname, "../fixtures/schemas/junit-10.xsd"), "utf8");

/** Schema errors of a JUnit document (empty when valid). */
export async function junitErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: "sqlfleet-junit.xml", contents: xml }], schema: [{ fileName: "junit-10.xsd", contents: xsd }] });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}
