"use client";

import Link from "next/link";
import { signOut } from "next-auth/react";
import { flushAllDrafts } from "@/components/workbench/drafts";

export function UserMenu({ name, email, role }: { name: string; email: string; role: string }) {
  return (
    <div className="user-menu">
      <Link href="/account" title={`${email}: your account`} className="user-link">
        {name}
        {role === "admin" && <span className="badge">admin</span>}
      </Link>
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
