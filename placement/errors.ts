// One error type for every placement decision that cannot be made, so callers (stack validation, the CLI) can
// turn it into exit code 2 with the field, the value and what would have been allowed.
export class PlacementError extends Error {
  constructor(
    readonly subject: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${subject}: ${field} = ${JSON.stringify(value)} is not allowed; ${allowed}`);
    this.name = "PlacementError";
  }
}
