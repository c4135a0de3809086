"use server";

import { changePasswordInput, noInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { changePassword, signOutEverywhere } from "@/lib/server/auth/account";
import { requireSession } from "@/lib/server/auth/session";
import { runtime } from "@/lib/server/runtime";

/** Changes the member's own password (the current one is required); their other sessions end, this one stays. */
export const changePasswordAction = action(changePasswordInput, async ({ current, next }) => {
  const { user, sessionId } = await requireSession();
  return changePassword((await runtime()).db, user, sessionId, { current, next });
});

/** Ends every session of the member, this one included; the browser then clears its cookie. */
export const signOutEverywhereAction = action(noInput, async (_input, user) => {
  return { endedSessions: await signOutEverywhere((await runtime()).db, user) };
});
