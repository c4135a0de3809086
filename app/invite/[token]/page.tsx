import { AuthShell } from "@/components/auth/AuthShell";
import { JoinForm } from "@/components/auth/JoinForm";
import { sha256 } from "@/lib/server/crypto/secret-key";
import { findOpenInvitation } from "@/lib/server/db/queries/invitations";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findOpenInvitation((await runtime()).db, sha256(token));
  if (!invitation) {
    return (
      <AuthShell
        title="Invitation not valid"
        lead="This link has expired, was already used, or was revoked by an admin. Ask an admin for a new one."
      />
    );
  }
  return (
    <AuthShell title="Join Lakebook" lead={`You were invited as ${invitation.email}. Choose your name and a password.`}>
      <JoinForm token={token} email={invitation.email} />
    </AuthShell>
  );
}
