"use client";

import { ErrorView } from "@/components/ui/ErrorView";
import { TopBar } from "@/components/ui/TopBar";
import "./globals.css";

/** An error in the root layout itself: this replaces the whole document, so it brings its own. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Lakebook</title>
        <TopBar />
        <ErrorView error={error} reset={reset} />
      </body>
    </html>
  );
}
