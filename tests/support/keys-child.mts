/**
 * One Lakebook server's start-up, in a process of its own, for tests/keys.test.ts:
 * the same `register()` that `next start` runs (instrumentation.ts), against
 * the environment the test gives (DATABASE_URL, LAKEBOOK_SECRET_KEY, a data
 * directory of its own), then one step as the admin from the environment:
 *
 *   start           start, print READY
 *   save <port> <path> <token>   save a shared connection to the test warehouse, print SAVED <id>
 *   run <id>        run SELECT 1 and list catalogs on a saved connection, print RAN <json>
 */
process.env.NEXT_RUNTIME = "nodejs";
const [mode, ...args] = process.argv.slice(2);

const { register } = await import("../../instrumentation");
await register();
console.log("READY");

const { runtime } = await import("../../lib/server/runtime");
const { findUserByEmail } = await import("../../lib/server/db/queries/users");
const { saveConnection } = await import("../../lib/server/connections");
const { engineFor } = await import("../../lib/server/connections/engines");
const { db } = await runtime();
const admin = await findUserByEmail(db, process.env.LAKEBOOK_ADMIN_EMAIL ?? "");
if (!admin) throw new Error("no admin from the environment");

if (mode === "save") {
  const [port, path, token] = args;
  const saved = await saveConnection(admin, {
    name: `Warehouse ${Date.now()}`,
    host: "localhost",
    port: Number(port),
    httpPath: path,
    authType: "token",
    secret: token,
    scope: "shared",
  });
  console.log(`SAVED ${saved.id}`);
} else if (mode === "run") {
  const engine = await engineFor(admin, args[0]);
  const check = await engine.testConnection();
  const catalogs = check.ok ? await engine.listCatalogs() : [];
  console.log(`RAN ${JSON.stringify({ check, catalogs })}`);
}
process.exit(0);
