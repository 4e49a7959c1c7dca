// Test-side entry to the mock recorder (the same one `sqlfleet plan` uses) plus assertion helpers.
import { expect } from "vitest";
export { recordProgram, Recording, unwrapSecrets, settle, type RecordedResource, type RecordOptions } from "../../offline/recorder";
export { azureMocks, MOCK_SUBSCRIPTION, MOCK_TENANT } from "../../offline/azure-mocks";
import { recordProgram, type RecordOptions } from "../../offline/recorder";

/**
 * Asserts that a program throws a validation error naming `field` (and any other fragments),
 * and that no resource other than the root stack was registered before it threw.
 */
export async function expectValidationError(
  program: () => unknown,
  fragments: (string | RegExp)[],
  opts: RecordOptions = {},
): Promise<void> {
  let registered: string[] = [];
  let error: unknown;
  try {
    const { recording } = await recordProgram(async () => {
      try {
        await program();
      } catch (e) {
        error = e;
      }
    }, opts);
    registered = recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type}::${r.name}`);
  } catch (e) {
    error = error ?? e;
  }
  expect(error, "expected a validation error").toBeInstanceOf(Error);
  const msg = (error as Error).message;
  for (const f of fragments) {
    if (typeof f === "string") expect(msg).toContain(f);
    else expect(msg).toMatch(f);
  }
  expect(registered, "nothing may be registered when validation fails").toEqual([]);
}
