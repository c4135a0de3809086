import { notFound } from "next/navigation";
import { NotebookEditor } from "@/components/notebook/NotebookEditor";
import { UserError } from "@/lib/action-result";
import { pageUser } from "@/lib/server/auth/session";
import { listConnections } from "@/lib/server/connections";
import { getNotebook } from "@/lib/server/notebooks";

export const dynamic = "force-dynamic";

/** A notebook's link: it opens for anyone with access; for anyone else it does not exist. */
export default async function NotebookPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await pageUser();
  const { id } = await params;
  const notebook = await getNotebook(user, id).catch((error) => {
    if (UserError.isCode(error, "not-found")) notFound();
    throw error;
  });
  const connections = await listConnections(user);
  return <NotebookEditor key={notebook.id} initial={notebook} connections={connections} />;
}
