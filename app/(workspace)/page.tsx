import { Workbench } from "@/components/workbench/Workbench";
import { pageUser } from "@/lib/server/auth/session";
import { listConnections } from "@/lib/server/connections";

export const dynamic = "force-dynamic";

export default async function EditorPage() {
  const user = await pageUser();
  return <Workbench connections={await listConnections(user)} />;
}
