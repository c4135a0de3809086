import "server-only";
import type { Db } from "../db/client";
import { replaceSealedSecret, sealedSecrets } from "../db/queries/connections";
import { deleteMemberTokenIf, rotateMemberToken, sealedMemberTokens } from "../db/queries/member-tokens";
import { type Keyring, type Opened, openWithKeyring, verifyKeyCheck } from "./keyring";
import { seal } from "./seal";

/** The authenticated context a connection's secret is sealed with: it opens only in its own row. */
export function connectionContext(id: string): string {
  return `connection:${id}`;
}

/**
 * The authenticated context a member's refresh token (OAuth user-to-machine)
 * is sealed with: it opens only in the row of this connection and this member.
 */
export function memberTokenContext(connectionId: string, userId: string): string {
  return `member-token:${JSON.stringify([connectionId, userId])}`;
}

/**
 * Stores a secret the previous key opened, sealed under the current key. Only
 * if the row still holds what was read (another server may have sealed it
 * again, or someone saved a new secret), and without touching `updatedAt`,
 * which names the version of the connection its engines were built for.
 */
export async function resealConnection(
  db: Db,
  keys: Keyring,
  id: string,
  was: string,
  plaintext: string,
): Promise<void> {
  await replaceSealedSecret(db, id, was, seal(keys.current, plaintext, connectionContext(id)));
}

export interface ResealReport {
  /** Secrets that were sealed under the previous key and now are under the current one. */
  resealed: number;
  /** Secrets already sealed under the current key. */
  current: number;
  /** Connections whose secret neither key opens (their names, to enter the secret again). */
  unreadable: string[];
  /** Whether the key check was sealed again. */
  checkRotated: boolean;
  /** Members' Databricks sign-ins sealed again under the current key. */
  signInsResealed: number;
  /** Members' Databricks sign-ins neither key opens: deleted (those members connect with Databricks again). */
  signInsDropped: number;
}

/**
 * Seals every stored secret under the current key (`npm run keys:reseal`),
 * so that LAKEBOOK_SECRET_KEY_PREVIOUS can be removed afterwards.
 */
export async function resealAll(db: Db, keys: Keyring): Promise<ResealReport> {
  const { rotated } = await verifyKeyCheck(db, keys);
  const report: ResealReport = {
    resealed: 0,
    current: 0,
    unreadable: [],
    checkRotated: rotated,
    signInsResealed: 0,
    signInsDropped: 0,
  };
  const rows = await sealedSecrets(db);
  for (const row of rows) {
    try {
      const opened = openWithKeyring(keys, row.sealedSecret, connectionContext(row.id));
      if (!opened.stale) {
        report.current += 1;
        continue;
      }
      await resealConnection(db, keys, row.id, row.sealedSecret, opened.plaintext);
      report.resealed += 1;
    } catch {
      report.unreadable.push(row.name);
    }
  }
  for (const row of await sealedMemberTokens(db)) {
    const context = memberTokenContext(row.connectionId, row.userId);
    let opened: Opened;
    try {
      opened = openWithKeyring(keys, row.sealedRefreshToken, context);
    } catch {
      await deleteMemberTokenIf(db, row.connectionId, row.userId, row.sealedRefreshToken);
      report.signInsDropped += 1;
      continue;
    }
    if (!opened.stale) continue;
    const sealed = seal(keys.current, opened.plaintext, context);
    if (await rotateMemberToken(db, row.connectionId, row.userId, row.sealedRefreshToken, sealed))
      report.signInsResealed += 1;
  }
  return report;
}
