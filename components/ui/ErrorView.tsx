"use client";

import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { ProblemPage } from "./ProblemPage";

/** What an error boundary shows: never a blank page, and a reference when the server has one. */
export function ErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // A server error is only cured by asking the server again, not by re-rendering what the browser has.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <ProblemPage title="Something went wrong" reference={error.digest} onRetry={retry}>
      <p>This page could not be shown. Your saved work is unchanged.</p>
      <p className="muted">
        {error.digest
          ? "Try again in a moment. If it keeps happening, tell your admin the reference below: the server's log has the details under it."
          : "The error happened in your browser. Try again, or reload the page."}
      </p>
    </ProblemPage>
  );
}
