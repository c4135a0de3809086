"use server";

import type { ActionResult } from "@/lib/action-result";
import { resetPasswordInput } from "@/lib/schemas";
import { failureMessage } from "@/lib/server/actions/safe-action";
import { resetPassword } from "@/lib/server/auth/account";
import { runtime } from "@/lib/server/runtime";

/** Sets a new password through an admin's reset link (whoever holds the link); every session of the member ends. */
export async function resetPasswordAction(raw: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = resetPasswordInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid input." };
  try {
    const email = await resetPassword((await runtime()).db, parsed.data.token, parsed.data.password);
    return { ok: true, data: { email } };
  } catch (error) {
    return { ok: false, error: failureMessage(error) };
  }
}
