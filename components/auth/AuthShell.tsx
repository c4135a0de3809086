import type { ReactNode } from "react";
import { Logo } from "@/components/ui/TopBar";

/** The centred card of the sign-in, setup and invitation pages. */
export function AuthShell({ title, lead, children }: { title: string; lead?: string; children?: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <Logo /> Lakebook
        </div>
        <h1>{title}</h1>
        {lead && <p className="muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}
