/**
 * Seals every stored secret under LAKEBOOK_SECRET_KEY, opening with
 * LAKEBOOK_SECRET_KEY_PREVIOUS what the old key sealed: the last step of a key
 * rotation, after which the previous key can be removed from every instance.
 * Reads the same environment as the server (DATABASE_URL or the data
 * directory's PGlite — stop the server first when it is PGlite).
 *
 *   npm run keys:reseal
 */
import path from "node:path";

const { config, dataDir } = await import("../lib/server/config");
const { loadKeyring, StartupError } = await import("../lib/server/crypto/keyring");
const { resealAll } = await import("../lib/server/crypto/reseal");
const { openDb, underStartupLock } = await import("../lib/server/db/client");

try {
  const settings = config();
  const keys = loadKeyring(dataDir(), {
    key: settings.LAKEBOOK_SECRET_KEY,
    previous: settings.LAKEBOOK_SECRET_KEY_PREVIOUS,
    sharedMetadata: Boolean(settings.DATABASE_URL),
  });
  const metadata = await openDb({ url: settings.DATABASE_URL, dir: path.join(dataDir(), "metadata") });
  try {
    const report = await underStartupLock(metadata.db, (tx) => resealAll(tx, keys));
    console.log(
      `Sealed ${report.resealed} secret(s) again under the current key; ${report.current} already were.${report.checkRotated ? " The key check was sealed again too." : ""}`,
    );
    if (report.signInsResealed > 0 || report.signInsDropped > 0)
      console.log(
        `Members' Databricks sign-ins: ${report.signInsResealed} sealed again${report.signInsDropped > 0 ? `; ${report.signInsDropped} that neither key opens were removed (those members connect with Databricks again)` : ""}.`,
      );
    if (report.unreadable.length > 0) {
      console.log(
        `Neither key opens the secret of: ${report.unreadable.join(", ")}. Enter those secrets again on the Connections page.`,
      );
      process.exitCode = 2;
    }
  } finally {
    await metadata.close();
  }
} catch (error) {
  if (error instanceof StartupError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
