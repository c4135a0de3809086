"use server";

import { sql } from "drizzle-orm";
import type { ActionResult } from "@/lib/action-result";
import { accountInput } from "@/lib/schemas";
import { failureMessage } from "@/lib/server/actions/safe-action";
import { hashPassword } from "@/lib/server/crypto/password";
import { insertUser, userCount } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

const ALREADY_SET_UP = "This server already has an admin. Sign in instead.";

/**
 * Creates the first admin of a brand-new server. Refused as soon as any account
 * exists; a lock makes two simultaneous first visitors produce one admin.
 */
export async function createFirstAdminAction(raw: unknown): Promise<ActionResult<null>> {
  const parsed = accountInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid input." };
  try {
    const { db } = await runtime();
    // Checked before hashing, so that strangers cannot keep the server hashing; again under the lock.
    if ((await userCount(db)) > 0) return { ok: false, error: ALREADY_SET_UP };
    const passwordHash = await hashPassword(parsed.data.password);
    const created = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(4711)`);
      if ((await userCount(tx)) > 0) return false;
      await insertUser(tx, { name: parsed.data.name, email: parsed.data.email, passwordHash, role: "admin" });
      return true;
    });
    if (!created) return { ok: false, error: ALREADY_SET_UP };
    return { ok: true, data: null };
  } catch (error) {
    return { ok: false, error: failureMessage(error) };
  }
}
