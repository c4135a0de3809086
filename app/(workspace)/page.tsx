import { Workbench } from "@/components/workbench/Workbench";
import { runtime } from "@/lib/server/runtime";

export const dynamic = "force-dynamic";

export default async function EditorPage() {
  const catalogs = await (await runtime()).engine.listCatalogs();
  return <Workbench catalogs={catalogs} />;
}
