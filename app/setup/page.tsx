import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth/AuthShell";
import { SetupForm } from "@/components/auth/SetupForm";
import { userCount } from "@/lib/server/db/queries/users";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if ((await userCount((await runtime()).db)) > 0) redirect("/signin");
  return (
    <AuthShell
      title="Welcome to Lakebook"
      lead="Create the admin account of this server. You can invite your team next."
    >
      <SetupForm />
    </AuthShell>
  );
}
