"use client";

import { ErrorView } from "@/components/ui/ErrorView";
import { TopBar } from "@/components/ui/TopBar";

/**
 * An error above the workspace pages (the workspace's own frame could not be
 * built, e.g. the metadata store did not answer): the app's bar, then the error.
 */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <TopBar />
      <ErrorView error={error} reset={reset} />
    </>
  );
}
