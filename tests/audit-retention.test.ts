import { describe, expect, it } from "vitest";
import { prepareTempDataDir } from "./support/env";

prepareTempDataDir(1_000);
process.env.LAKEBOOK_AUDIT_RETENTION_DAYS = "30";

const { pruneAuditLog, recordAudit, auditLog } = await import("@/lib/server/audit");
const { runtime } = await import("@/lib/server/runtime");
const { auditEvents } = await import("@/lib/server/db/schema");
const { createTestUser } = await import("./support/users");

describe("the audit log's retention", () => {
  it("deletes events older than LAKEBOOK_AUDIT_RETENTION_DAYS and keeps the rest", async () => {
    const admin = await createTestUser("admin");
    const { db } = await runtime();
    const day = 86_400_000;
    const base = { via: "api" as const, action: "GET /api/v1/queries", status: 200, userId: admin.id };
    await db.insert(auditEvents).values([
      { ...base, at: new Date(Date.now() - 40 * day), detail: "old" },
      { ...base, at: new Date(Date.now() - 29 * day), detail: "recent" },
    ]);
    // Recording an event prunes too (at most every ten minutes); the first one of a process does.
    await recordAudit({ ...base, detail: "now" });
    const details = (await auditLog(admin, {}, { limit: 10 })).events.map((e) => e.detail);
    expect(details).toEqual(["now", "recent"]);
    expect(await pruneAuditLog(db, new Date())).toBe(0);
    expect(await pruneAuditLog(db, new Date(Date.now() + 2 * day))).toBe(1);
  });
});
