import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { serverSettings } from "../schema";

/** Stores a setting unless it is already set (a concurrent first start may have set it). */
export async function insertSettingIfAbsent(db: Db, name: string, value: string): Promise<void> {
  await db.insert(serverSettings).values({ name, value }).onConflictDoNothing();
}

export async function settingValue(db: Db, name: string): Promise<string | null> {
  const [row] = await db.select().from(serverSettings).where(eq(serverSettings.name, name));
  return row?.value ?? null;
}

export async function updateSetting(db: Db, name: string, value: string): Promise<void> {
  await db.update(serverSettings).set({ value, updatedAt: new Date() }).where(eq(serverSettings.name, name));
}
