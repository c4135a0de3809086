import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Lakebook",
  description: "SQL explorer and notebooks for Databricks SQL warehouses",
  icons: { icon: "/icon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            <img src="/icon.svg" alt="" width={20} height={20} /> Lakebook
          </a>
          <nav aria-label="Main">
            <a href="/" aria-current="page">
              SQL editor
            </a>
          </nav>
        </header>
        {children}
      </body>
    </html>
  );
}
