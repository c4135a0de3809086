import type { User } from "@/lib/server/db/schema";

/**
 * A personal Databricks connection of `owner` that nothing ever reaches (a
 * made-up token on a public-looking host): for what is decided before any
 * warehouse is asked — who may use it, what a Databricks connection offers.
 */
export async function savePersonalConnection(owner: User, name = `${owner.name}'s own`): Promise<string> {
  const { saveConnection } = await import("@/lib/server/connections");
  const saved = await saveConnection(owner, {
    host: "adb-1.azuredatabricks.net",
    port: 443,
    httpPath: "/sql/1.0/warehouses/abc",
    authType: "token",
    secret: "dapi-not-a-real-token",
    name,
    scope: "personal",
  });
  return saved.id;
}
