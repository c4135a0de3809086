import { notFound } from "next/navigation";
import { Workbench } from "@/components/workbench/Workbench";
import { UserError } from "@/lib/action-result";
import { pageUser } from "@/lib/server/auth/session";
import { listConnections } from "@/lib/server/connections";
import { listTabs, openQueryTab } from "@/lib/server/tabs";

export const dynamic = "force-dynamic";

/** A saved query's link: it opens in the editor (in its tab) for anyone with access; for anyone else it does not exist. */
export default async function QueryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await pageUser();
  const { id } = await params;
  const tab = await openQueryTab(user, id).catch((error) => {
    if (UserError.isCode(error, "not-found")) notFound();
    throw error;
  });
  const [connections, tabs] = await Promise.all([listConnections(user), listTabs(user)]);
  return <Workbench connections={connections} tabs={tabs} activeId={tab.id} />;
}
