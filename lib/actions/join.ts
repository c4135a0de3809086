"use server";

import type { ActionResult } from "@/lib/action-result";
import { joinInput } from "@/lib/schemas";
import { failureMessage } from "@/lib/server/actions/safe-action";
import { joinWithInvitation } from "@/lib/server/members";
import { runtime } from "@/lib/server/runtime";

/** Accepts an invitation: whoever holds the link sets their name and password. */
export async function joinAction(raw: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = joinInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid input." };
  try {
    const email = await joinWithInvitation(
      (await runtime()).db,
      parsed.data.token,
      parsed.data.name,
      parsed.data.password,
    );
    return { ok: true, data: { email } };
  } catch (error) {
    return { ok: false, error: failureMessage(error) };
  }
}
