import "server-only";
import { notFoundError } from "@/lib/action-result";
import type { DatabricksSignIn } from "@/lib/connections";
import type { Db } from "../db/client";
import {
  deleteConnectionMemberTokens,
  deleteMemberToken,
  deleteUserMemberTokens,
  memberTokensOf,
} from "../db/queries/member-tokens";
import type { User } from "../db/schema";
import { runtime } from "../runtime";
import { forgetEngine } from "./engines";
import { forgetWorkspace } from "./member-oauth";
import { forgetMemberAccess } from "./member-tokens";

/** The member's own Databricks sign-ins, for the Account page. */
export async function listDatabricksSignIns(user: User): Promise<DatabricksSignIn[]> {
  const rows = await memberTokensOf((await runtime()).db, user.id);
  return rows.map((r) => ({ ...r, since: r.createdAt.toISOString() }));
}

/** Disconnect: the member's refresh token is deleted, their cached access token and engine closed. */
export async function disconnectDatabricks(user: User, connectionId: string): Promise<void> {
  if (!(await deleteMemberToken((await runtime()).db, connectionId, user.id))) throw notFoundError();
  forgetMemberAccess(connectionId, user.id);
  forgetEngine(connectionId, user.id);
}

/** A disabled member keeps no Databricks sign-in. */
export async function dropSignInsOf(db: Db, userId: string): Promise<void> {
  for (const connectionId of await deleteUserMemberTokens(db, userId)) {
    forgetMemberAccess(connectionId, userId);
    forgetEngine(connectionId, userId);
  }
}

/** A connection moved to another workspace or app (or stopped being user-to-machine): its members' sign-ins go. */
export async function dropSignInsOn(db: Db, connectionId: string): Promise<void> {
  await deleteConnectionMemberTokens(db, connectionId);
  forgetMemberAccess(connectionId);
  forgetWorkspace(connectionId);
}
