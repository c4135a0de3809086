import { describe, expect, it } from "vitest";
import { NOT_FOUND } from "@/lib/action-result";
import { prepareTempDataDir } from "./support/env";
import { createTestUser } from "./support/users";

prepareTempDataDir(1_000);

const groups = await import("@/lib/server/groups");
const { runtime } = await import("@/lib/server/runtime");
const { grantsOn, upsertGrant } = await import("@/lib/server/db/queries/permissions");
const { insertQuery } = await import("@/lib/server/db/queries/saved-queries");
const { db } = await runtime();
const admin = await createTestUser("admin");
const ann = await createTestUser("member", "ann");
const ben = await createTestUser("member", "ben");

const memberEmails = async (groupId: string) => (await groups.groupMembers(admin, groupId)).map((m) => m.email);
const named = async (name: string) => (await groups.groupList(admin)).find((g) => g.name === name);

describe("groups", () => {
  it("an admin creates groups; names are trimmed and unique whatever their case", async () => {
    const analysts = await groups.createGroup(admin, "  Analysts ");
    expect(analysts).toMatchObject({ name: "Analysts", memberCount: 0 });
    await expect(groups.createGroup(admin, "analysts")).rejects.toThrow(
      'A group named "Analysts" already exists. Choose another name.',
    );
    await expect(groups.createGroup(admin, "   ")).rejects.toThrow("Give the group a name.");
    await expect(groups.createGroup(admin, "x".repeat(101))).rejects.toThrow(/under 100 characters/);
    await groups.createGroup(admin, "Engineers");
    expect((await groups.groupList(admin)).map((g) => g.name)).toEqual(["Analysts", "Engineers"]);
  });

  it("renames a group, but never onto another group's name", async () => {
    const engineers = (await named("Engineers"))!;
    await expect(groups.renameGroupTo(admin, engineers.id, "ANALYSTS")).rejects.toThrow(/already exists/);
    await groups.renameGroupTo(admin, engineers.id, "engineers");
    await groups.renameGroupTo(admin, engineers.id, "Data engineers");
    expect(await named("Data engineers")).toMatchObject({ id: engineers.id });
    await expect(groups.renameGroupTo(admin, "no-such-group", "Whatever")).rejects.toThrow(NOT_FOUND);
  });

  it("adds and removes members, and counts them", async () => {
    const analysts = (await named("Analysts"))!;
    await groups.addMember(admin, analysts.id, ann.id);
    await groups.addMember(admin, analysts.id, ben.id);
    // Adding someone twice changes nothing.
    await groups.addMember(admin, analysts.id, ann.id);
    expect(await memberEmails(analysts.id)).toEqual([ann.email, ben.email]);
    expect((await named("Analysts"))?.memberCount).toBe(2);
    await groups.removeMember(admin, analysts.id, ann.id);
    expect(await memberEmails(analysts.id)).toEqual([ben.email]);
    expect((await named("Analysts"))?.memberCount).toBe(1);
  });

  it("an unknown user or group is not found", async () => {
    const analysts = (await named("Analysts"))!;
    await expect(groups.addMember(admin, analysts.id, "no-such-user")).rejects.toThrow(NOT_FOUND);
    await expect(groups.addMember(admin, "no-such-group", ann.id)).rejects.toThrow(NOT_FOUND);
    await expect(groups.groupMembers(admin, "no-such-group")).rejects.toThrow(NOT_FOUND);
    await expect(groups.removeGroup(admin, "no-such-group")).rejects.toThrow(NOT_FOUND);
  });

  it("deleting a group takes back what was shared with it, and nothing else", async () => {
    const analysts = (await named("Analysts"))!;
    const engineers = (await named("Data engineers"))!;
    const query = await insertQuery(db, admin.id, {
      title: "Revenue",
      description: "",
      sql: "SELECT 1",
      connectionId: "builtin",
    });
    const grant = { kind: "query" as const, objectId: query.id, level: "view" as const };
    await upsertGrant(db, { ...grant, principalKind: "group", principalId: analysts.id }, admin.id);
    await upsertGrant(db, { ...grant, principalKind: "group", principalId: engineers.id }, admin.id);
    await upsertGrant(db, { ...grant, principalKind: "user", principalId: ann.id }, admin.id);
    expect(await grantsOn(db, "query", query.id)).toHaveLength(3);

    await groups.removeGroup(admin, analysts.id);
    const left = await grantsOn(db, "query", query.id);
    expect(left.map((g) => g.principalId).sort()).toEqual([ann.id, engineers.id].sort());
    expect(await named("Analysts")).toBeUndefined();
    await expect(groups.groupMembers(admin, analysts.id)).rejects.toThrow(NOT_FOUND);
    // The name is free again.
    await groups.createGroup(admin, "Analysts");
  });

  it("refuses members, however they call", async () => {
    const engineers = (await named("Data engineers"))!;
    const refused = "Only an admin can do this.";
    await expect(groups.groupList(ann)).rejects.toThrow(refused);
    await expect(groups.createGroup(ann, "Mine")).rejects.toThrow(refused);
    await expect(groups.renameGroupTo(ann, engineers.id, "Mine")).rejects.toThrow(refused);
    await expect(groups.addMember(ann, engineers.id, ann.id)).rejects.toThrow(refused);
    await expect(groups.removeMember(ann, engineers.id, ben.id)).rejects.toThrow(refused);
    await expect(groups.groupMembers(ann, engineers.id)).rejects.toThrow(refused);
    await expect(groups.removeGroup(ann, engineers.id)).rejects.toThrow(refused);
    expect(await named("Data engineers")).toBeDefined();
    expect(await named("Mine")).toBeUndefined();
  });
});
