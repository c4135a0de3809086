// Runs the driver's OAuth machine-to-machine flow in its own process, so that
// NODE_EXTRA_CA_CERTS can make the warehouse's certificate trusted: behind a
// proxy the driver's HTTPS requests do not use `customCaCert`.
// Usage: node oauth-child.mjs '<connect options JSON>' '<sql>'; prints one JSON line.
import { DBSQLClient } from "@databricks/sql";

const [options, sql] = [JSON.parse(process.argv[2]), process.argv[3]];
const client = new DBSQLClient({ logger: { log() {} } });
let outcome;
try {
  await client.connect({ authType: "databricks-oauth", telemetryEnabled: false, ...options });
  const session = await client.openSession();
  const operation = await session.executeStatement(sql);
  const rows = await operation.fetchAll();
  await operation.close();
  await session.close();
  outcome = { ok: true, rows };
} catch (error) {
  outcome = { ok: false, name: error?.constructor?.name, message: error?.message, error: error?.error };
} finally {
  await client.close();
}
process.stdout.write(
  `${JSON.stringify(outcome, (_key, value) => (typeof value === "bigint" ? String(value) : value))}\n`,
);
