import Link from "next/link";
import { UserMenu } from "@/components/auth/UserMenu";
import { workspaceNav } from "@/components/ui/nav";
import { ProblemPage } from "@/components/ui/ProblemPage";
import { TopBar } from "@/components/ui/TopBar";
import { currentUser } from "@/lib/server/auth/session";

/**
 * Any address with no page, and any object that does not exist or is not the
 * member's to see: inside the app's navigation when signed in.
 */
export default async function NotFound() {
  const user = await currentUser().catch(() => null);
  return (
    <>
      <TopBar
        nav={user ? workspaceNav(user.role) : []}
        right={
          user ? <UserMenu name={user.name} email={user.email} role={user.role} /> : <Link href="/signin">Sign in</Link>
        }
      />
      <ProblemPage title="Page not found">
        <p>There is nothing at this address, or it is not yours to see.</p>
        <p className="muted">Check the link, or find what you need from the navigation above.</p>
      </ProblemPage>
    </>
  );
}
