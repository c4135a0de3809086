import { execFile } from "node:child_process";
import path from "node:path";
import type { TestWarehouse } from "./index";

export type OAuthRun =
  | { ok: true; rows: Record<string, unknown>[] }
  | { ok: false; name: string; message: string; error?: string };

/**
 * Connects with `authType: 'databricks-oauth'` (client id + secret) in a child
 * process and runs one statement. The child trusts the warehouse's certificate
 * through NODE_EXTRA_CA_CERTS and reaches it through the warehouse's proxy.
 */
export function runOAuthClient(
  warehouse: TestWarehouse,
  sql: string,
  credentials: { clientId?: string; clientSecret?: string } = {},
): Promise<OAuthRun> {
  const options = {
    host: warehouse.oauth.host,
    port: warehouse.port,
    path: warehouse.path,
    proxy: warehouse.oauth.proxy,
    oauthClientId: credentials.clientId ?? warehouse.oauth.clientId,
    oauthClientSecret: credentials.clientSecret ?? warehouse.oauth.clientSecret,
  };
  const script = path.join(process.cwd(), "tests/support/databricks-warehouse/oauth-child.mjs");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, JSON.stringify(options), sql],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: warehouse.caCertFile }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1);
        if (!line) return reject(error ?? new Error(`OAuth client printed nothing: ${stderr}`));
        resolve(JSON.parse(line) as OAuthRun);
      },
    );
  });
}
