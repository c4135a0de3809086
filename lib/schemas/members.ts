import { z } from "@/lib/zod";

/** Input of the account, member and sign-in actions. */

export const passwordSchema = z.string().min(12, "Use at least 12 characters.").max(1024, "That password is too long.");

export const accountInput = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(200),
  email: z.string().trim().email("Enter a valid email address.").max(320),
  password: passwordSchema,
});

const role = z.enum(["admin", "member"]);
export const inviteInput = z.object({ email: z.string().trim().email("Enter a valid email address.").max(320), role });
export const memberChangeInput = z.object({
  userId: z.string().max(64),
  role: role.optional(),
  disabled: z.boolean().optional(),
});
export const joinInput = z.object({
  token: z.string().max(128),
  name: z.string().trim().min(1, "Enter your name.").max(200),
  password: passwordSchema,
});
/** An open invitation to withdraw, named by the hash of its token (the token itself is never stored). */
export const revokeInvitationInput = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, "Not an invitation.") });
/** The member's current password, confirming that they link single sign-on to their account. */
export const ssoLinkInput = z.object({
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
});

/** Sign-in and sessions: a member's own password, and an admin's reset link for a member. */
export const changePasswordInput = z.object({
  current: z.string().min(1, "Enter your current password.").max(1024, "That password is too long."),
  next: passwordSchema,
});
export const noInput = z.object({});
export const memberIdInput = z.object({ userId: z.string().max(64) });
export const resetPasswordInput = z.object({ token: z.string().max(128), password: passwordSchema });
