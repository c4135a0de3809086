import { describe, expect, it } from "vitest";
import { MIB } from "@/tests/support/hostile-sql";
import { connectionInput } from "./connections";
import { inviteInput } from "./members";

const connection = { name: "Warehouse", httpPath: "/sql/1.0/warehouses/abc", authType: "token", scope: "personal" };

describe("connectionInput host", () => {
  it("takes the host out of a pasted URL", () => {
    for (const host of [
      "adb-1.2.azuredatabricks.net",
      " https://adb-1.2.azuredatabricks.net/sql/1.0/warehouses/abc?o=1 ",
      "HTTP://adb-1.2.azuredatabricks.net/",
    ]) {
      const parsed = connectionInput.safeParse({ ...connection, host });
      expect(parsed.success && parsed.data.host).toBe("adb-1.2.azuredatabricks.net");
    }
    expect(connectionInput.safeParse({ ...connection, host: "adb 1/x" }).success).toBe(false);
  });

  // Any member may save a personal connection, so these are request input; a
  // quadratic pattern takes hours on them, which the timeout catches.
  it("answers at once for 1 MiB hostile hosts and e-mail addresses", { timeout: 10_000 }, () => {
    for (const host of [
      `${"/".repeat(MIB)}\nx`,
      `a${"/".repeat(MIB)}`,
      `${"https://".repeat(MIB / 8)}`,
      "a.".repeat(MIB),
    ]) {
      expect(connectionInput.safeParse({ ...connection, host }).success).toBe(false);
    }
    for (const email of [`${"a.".repeat(MIB / 2)}@`, `a@${"a-".repeat(MIB / 2)}!`, `a@${"a.".repeat(MIB / 2)}1`]) {
      expect(inviteInput.safeParse({ email, role: "member" }).success).toBe(false);
    }
  });
});
