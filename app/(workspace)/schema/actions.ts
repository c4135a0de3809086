"use server";

import { columnsInput, schemasInput, tablesInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { runtime } from "@/lib/server/runtime";

export const listSchemasAction = action(schemasInput, async ({ catalog }) =>
  (await runtime()).engine.listSchemas(catalog),
);

export const listTablesAction = action(tablesInput, async ({ catalog, schema }) =>
  (await runtime()).engine.listTables(catalog, schema),
);

export const listColumnsAction = action(columnsInput, async ({ catalog, schema, table }) =>
  (await runtime()).engine.listColumns(catalog, schema, table),
);
