import { AuthShell } from "@/components/auth/AuthShell";
import { ResetPasswordForm } from "@/components/auth/ResetPasswordForm";
import { passwordResetTarget } from "@/lib/server/auth/account";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

/** An admin's password-reset link: the member chooses a new password (the link works once). */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const member = await passwordResetTarget((await runtime()).db, token);
  if (!member || member.disabled) {
    return (
      <AuthShell
        title="Reset link not valid"
        lead="This link has expired or was already used. Ask an admin for a new one."
      />
    );
  }
  return (
    <AuthShell
      title="Choose a new password"
      lead={`For ${member.email}. Your sessions on every device end when you save it.`}
    >
      <ResetPasswordForm token={token} email={member.email} />
    </AuthShell>
  );
}
