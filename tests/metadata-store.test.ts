import { describe, expect, it } from "vitest";
import { sessionUser, startSession } from "@/lib/server/auth/sessions";
import type { DbHandle } from "@/lib/server/db/client";
import { openInvitations } from "@/lib/server/db/queries/invitations";
import { findSession } from "@/lib/server/db/queries/sessions";
import { findUserByEmail, insertUser, userCount } from "@/lib/server/db/queries/users";
import type { User } from "@/lib/server/db/schema";
import { changeMember, invite, joinWithInvitation } from "@/lib/server/members";
import { metadataStores } from "./support/metadata-stores";

/**
 * The metadata store behaves the same on embedded PGlite and on a real
 * PostgreSQL (running on 127.0.0.1:5432 on these machines).
 */
const stores = metadataStores("meta");
const pglite = stores.pglite;
const postgres = async (): Promise<DbHandle> => (await stores.postgres())[0];

describe.each([
  ["PGlite", pglite],
  ["PostgreSQL", postgres],
])("metadata store on %s", (_name, open) => {
  let handle: DbHandle;
  let admin: User;

  it("applies migrations and starts empty", async () => {
    handle = await open();
    expect(await userCount(handle.db)).toBe(0);
  });

  it("finds users by email whatever the case, and keeps emails unique", async () => {
    admin = await insertUser(handle.db, { email: "Ada@Example.com", name: "Ada", passwordHash: "x", role: "admin" });
    expect((await findUserByEmail(handle.db, "ada@example.COM"))?.id).toBe(admin.id);
    await expect(
      insertUser(handle.db, { email: "ADA@example.com", name: "Other", passwordHash: "x", role: "member" }),
    ).rejects.toThrow();
  });

  it("lets an invitation be used once", async () => {
    const token = await invite(handle.db, admin, "bob@example.com", "member");
    expect((await openInvitations(handle.db)).map((i) => i.email)).toEqual(["bob@example.com"]);
    expect(await joinWithInvitation(handle.db, token, "Bob", "a long enough password")).toBe("bob@example.com");
    await expect(joinWithInvitation(handle.db, token, "Mallory", "a long enough password")).rejects.toThrow(
      /not valid any more/,
    );
    await expect(joinWithInvitation(handle.db, "forged-token", "Eve", "a long enough password")).rejects.toThrow(
      /not valid any more/,
    );
    expect((await findUserByEmail(handle.db, "bob@example.com"))?.role).toBe("member");
    await expect(invite(handle.db, admin, "bob@example.com", "member")).rejects.toThrow(/already a member/);
  });

  it("always keeps one active admin", async () => {
    await expect(changeMember(handle.db, admin.id, { disabled: true })).rejects.toThrow(/at least one active admin/);
    await expect(changeMember(handle.db, admin.id, { role: "member" })).rejects.toThrow(/at least one active admin/);
    const bob = (await findUserByEmail(handle.db, "bob@example.com"))!;
    await changeMember(handle.db, bob.id, { role: "admin" });
    const demoted = await changeMember(handle.db, admin.id, { role: "member" });
    expect(demoted.role).toBe("member");
  });

  it("ends a member's sessions when they are disabled", async () => {
    const session = await startSession(handle.db, admin.id);
    expect((await sessionUser(handle.db, session))?.id).toBe(admin.id);
    const disabled = await changeMember(handle.db, admin.id, { disabled: true });
    expect(disabled.disabled).toBe(true);
    expect(await sessionUser(handle.db, session)).toBeNull();
    expect((await findSession(handle.db, session))?.revokedAt).not.toBeNull();
  });
});
