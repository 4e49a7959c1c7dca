// The Log Analytics query client: @azure/monitor-query-logs (the maintained successor of @azure/monitor-query,
// whose package is deprecated in favour of it) authenticated with DefaultAzureCredential (az login, managed
// identity, workload identity, ...). Tests point `endpoint` at a loopback server with their own TLS settings.
import { DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import type { LogsQuery } from "./export";

export interface LogsClientOptions {
  credential?: TokenCredential;
  /** Full base URL including the API version path, e.g. https://api.loganalytics.io/v1 (the default). */
  endpoint?: string;
  /** Extra CA certificates (PEM) to trust, for a test server's self-signed certificate. */
  ca?: string;
}

export function logsQueryClient(opts: LogsClientOptions = {}): LogsQuery {
  const client = new LogsQueryClient(opts.credential ?? new DefaultAzureCredential(), {
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
    retryOptions: { maxRetries: 3 },
  });
  return {
    async queryWorkspace(workspaceId, query, timespan, options) {
      const r = await client.queryWorkspace(workspaceId, query, timespan, options);
      if (r.status === LogsQueryResultStatus.Success) return { status: "Success", tables: r.tables };
      return { status: "PartialFailure", partialTables: r.partialTables, partialError: r.partialError };
    },
  };
}
