import "server-only";
import { randomBytes } from "node:crypto";
import { notFoundError, UserError } from "@/lib/action-result";
import { dropSignInsOf } from "./connections/sign-ins";
import { hashPassword } from "./crypto/password";
import { sha256 } from "./crypto/secret-key";
import type { Db } from "./db/client";
import { acceptInvitation, findOpenInvitation, insertInvitation } from "./db/queries/invitations";
import { revokeUserSessions } from "./db/queries/sessions";
import { findUser, findUserByEmail, insertUser, listUsers, updateUser } from "./db/queries/users";
import type { User } from "./db/schema";
import { cancelRunsOf } from "./runs/runs";

const INVITATION_DAYS = 7;

/** Creates an invitation and returns the token for its link (shown once, stored only as a hash). */
export async function invite(db: Db, admin: User, email: string, role: User["role"]): Promise<string> {
  if (await findUserByEmail(db, email)) throw new UserError(`${email} is already a member.`, "conflict");
  const token = randomBytes(24).toString("base64url");
  await insertInvitation(db, {
    tokenHash: sha256(token),
    email,
    role,
    invitedBy: admin.id,
    expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
  });
  return token;
}

const INVITATION_INVALID = "This invitation link is not valid any more. Ask an admin for a new one.";

/**
 * Joins with an invitation. Whether the link may be used is checked before
 * the password is hashed (a forged or used link costs the server no scrypt),
 * and again inside the transaction that uses it.
 */
export async function joinWithInvitation(db: Db, token: string, name: string, password: string): Promise<string> {
  const hash = sha256(token);
  const open = await findOpenInvitation(db, hash);
  if (!open) throw new UserError(INVITATION_INVALID);
  if (await findUserByEmail(db, open.email))
    throw new UserError(`${open.email} is already a member. Sign in instead.`, "conflict");
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const invitation = await findOpenInvitation(tx, hash);
    if (!invitation) throw new UserError(INVITATION_INVALID);
    if (await findUserByEmail(tx, invitation.email)) {
      throw new UserError(`${invitation.email} is already a member. Sign in instead.`, "conflict");
    }
    if (!(await acceptInvitation(tx, hash)))
      throw new UserError("This invitation link has just been used.", "conflict");
    await insertUser(tx, { email: invitation.email, name, passwordHash, role: invitation.role });
    return invitation.email;
  });
}

/**
 * Changes another member's role or access. A server always keeps at least one
 * active admin, and disabling someone ends their sessions and stops their
 * queries (running or waiting) at once.
 */
export async function changeMember(
  db: Db,
  userId: string,
  change: { role?: User["role"]; disabled?: boolean },
): Promise<User> {
  const target = await findUser(db, userId);
  if (!target) throw notFoundError();
  const losesAdmin =
    target.role === "admin" && !target.disabled && (change.role === "member" || change.disabled === true);
  if (losesAdmin) {
    const activeAdmins = (await listUsers(db)).filter((u) => u.role === "admin" && !u.disabled);
    if (activeAdmins.length <= 1)
      throw new UserError("Lakebook needs at least one active admin. Make someone else an admin first.", "conflict");
  }
  const updated = await updateUser(db, userId, change);
  if (!updated) throw notFoundError();
  if (change.disabled === true) await revokeUserSessions(db, userId);
  if (change.disabled === true) await cancelRunsOf(userId, "Cancelled: an admin disabled this member.");
  if (change.disabled === true) await dropSignInsOf(db, userId);
  return updated;
}
