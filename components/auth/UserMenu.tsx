"use client";

import { signOut } from "next-auth/react";
import { flushAllDrafts } from "@/components/workbench/drafts";

export function UserMenu({ name, email, role }: { name: string; email: string; role: string }) {
  return (
    <div className="user-menu">
      <span title={email}>
        {name}
        {role === "admin" && <span className="badge">admin</span>}
      </span>
      <button
        type="button"
        className="ghost"
        onClick={() => void flushAllDrafts().then(() => signOut({ callbackUrl: "/signin" }))}
      >
        Sign out
      </button>
    </div>
  );
}
