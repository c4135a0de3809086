import "server-only";
import { openWithKeyring } from "../crypto/keyring";
import { connectionContext, resealConnection } from "../crypto/reseal";
import type { Connection } from "../db/schema";
import { log } from "../log";
import { runtime } from "../runtime";

/**
 * A connection's secret. One sealed under the previous key (a rotation in
 * progress) is sealed again under the current key as it is used.
 */
export async function openSecret(row: Connection): Promise<string> {
  const { db, keys } = await runtime();
  const { plaintext, stale } = openWithKeyring(keys, row.sealedSecret, connectionContext(row.id));
  if (stale) {
    // The secret is open either way: a metadata store that fails now leaves it for the next use or keys:reseal.
    await resealConnection(db, keys, row.id, row.sealedSecret, plaintext).then(
      () => log.info(`sealed the secret of connection ${row.id} again under the current key`),
      (error) => log.warn(`could not seal the secret of connection ${row.id} again under the current key`, error),
    );
  }
  return plaintext;
}
