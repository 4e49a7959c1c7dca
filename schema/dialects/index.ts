// Dialect lookup by engine name.
import type { Dialect, Engine } from "../types";
import { mssqlDialect } from "./mssql";
import { postgresDialect } from "./postgres";

export function dialectFor(engine: Engine): Dialect {
  if (engine === "postgres") return postgresDialect;
  if (engine === "mssql") return mssqlDialect;
  throw new Error(`engine ${JSON.stringify(engine)} is not supported; allowed: postgres, mssql`);
}
