import type { ReactNode } from "react";
import { UserMenu } from "@/components/auth/UserMenu";
import { TopBar } from "@/components/ui/TopBar";
import { workspaceNav } from "@/lib/nav";
import { oidcConfigured } from "@/lib/server/auth/options";
import { pageUser } from "@/lib/server/auth/session";

/** Every workspace page needs a signed-in member; a brand-new server first needs its admin. */
export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const user = await pageUser();
  return (
    <>
      <TopBar
        nav={workspaceNav(user.role)}
        right={<UserMenu name={user.name} email={user.email} role={user.role} sso={oidcConfigured()} />}
      />
      {children}
    </>
  );
}
