import { Workbench } from "@/components/workbench/Workbench";
import { pageUser } from "@/lib/server/auth/session";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function EditorPage() {
  await pageUser();
  const catalogs = await (await runtime()).engine.listCatalogs();
  return <Workbench catalogs={catalogs} />;
}
