import { randomUUID } from "node:crypto";

/** A member (or admin) in the test's metadata store; runs and shares refer to real users. */
export async function createTestUser(role: "admin" | "member" = "member", name?: string) {
  const { runtime } = await import("@/lib/server/runtime");
  const { insertUser } = await import("@/lib/server/db/queries/users");
  const { db } = await runtime();
  const label = name ?? `${role}-${randomUUID().slice(0, 8)}`;
  return insertUser(db, { email: `${label}@example.test`, name: label, passwordHash: null, role });
}
