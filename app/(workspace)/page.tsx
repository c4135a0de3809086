import { Workbench } from "@/components/workbench/Workbench";
import { pageUser } from "@/lib/server/auth/session";
import { listConnections } from "@/lib/server/connections";
import { listTabs } from "@/lib/server/tabs";

export const dynamic = "force-dynamic";

export default async function EditorPage({ searchParams }: { searchParams: Promise<{ tab?: string }> }) {
  const user = await pageUser();
  const [{ tab }, connections, tabs] = await Promise.all([searchParams, listConnections(user), listTabs(user)]);
  const activeId = tabs.some((t) => t.id === tab) ? (tab ?? null) : null;
  return <Workbench connections={connections} tabs={tabs} activeId={activeId} />;
}
