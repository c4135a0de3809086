import "server-only";
import { cookies } from "next/headers";
import { UserError } from "@/lib/action-result";
import { CLIENT_COOKIE } from "@/lib/client-cookie";
import type { Actor } from "./runs/runs";

/**
 * The identity runs belong to. Until sign-in exists this is the browser's own
 * random client id (set by proxy.ts), so one browser can never read another's
 * runs; with sign-in it becomes the user.
 */
export async function currentActor(): Promise<Actor> {
  const id = (await cookies()).get(CLIENT_COOKIE)?.value;
  if (!id || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new UserError("Your browser did not send its Lakebook cookie. Reload the page and try again.");
  }
  return { id };
}
