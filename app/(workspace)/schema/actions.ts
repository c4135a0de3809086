"use server";

import { catalogsInput, columnsInput, schemasInput, tablesInput } from "@/lib/schemas";
import { action } from "@/lib/server/actions/safe-action";
import { engineFor } from "@/lib/server/connections";

export const listCatalogsAction = action(catalogsInput, async ({ connectionId }, user) =>
  (await engineFor(user, connectionId)).listCatalogs(),
);

export const listSchemasAction = action(schemasInput, async ({ connectionId, catalog }, user) =>
  (await engineFor(user, connectionId)).listSchemas(catalog),
);

export const listTablesAction = action(tablesInput, async ({ connectionId, catalog, schema }, user) =>
  (await engineFor(user, connectionId)).listTables(catalog, schema),
);

export const listColumnsAction = action(columnsInput, async ({ connectionId, catalog, schema, table }, user) =>
  (await engineFor(user, connectionId)).listColumns(catalog, schema, table),
);
