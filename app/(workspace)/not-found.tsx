import { NotFoundPage } from "@/components/ui/ProblemPage";

/** An object that does not exist or is not the member's (`notFound()` in a workspace page), under the workspace's bar. */
export default function WorkspaceNotFound() {
  return <NotFoundPage />;
}
