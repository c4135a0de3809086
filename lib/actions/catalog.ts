"use server";

import { catalogsInput, columnsInput, schemasInput, searchTablesInput, tablesInput } from "@/lib/schemas/catalog";
import { action } from "@/lib/server/actions/safe-action";
import { engineFor } from "@/lib/server/connections/engines";

/** Matches the schema browser shows for a search; it asks for one more to know there are more. */
const SEARCH_LIMIT = 100;

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

export const searchTablesAction = action(searchTablesInput, async ({ connectionId, text }, user) => {
  const found = await (await engineFor(user, connectionId)).searchTables(text, SEARCH_LIMIT + 1);
  return { tables: found.slice(0, SEARCH_LIMIT), more: found.length > SEARCH_LIMIT };
});
