/**
 * The notebook's Export menu. Jupyter files run their `%%sql` cells through
 * Lakebook's API, or (for a Databricks connection) straight on the warehouse;
 * Databricks' own .ipynb flavour and the .sql file are their own choices.
 */
export function ExportMenu({ notebookId, databricks }: { notebookId: string; databricks: boolean }) {
  const href = (query: string) => `/api/notebooks/${notebookId}/export?${query}`;
  return (
    <details className="menu">
      <summary>Export</summary>
      <div className="menu-items" role="menu">
        <a role="menuitem" href={href("format=ipynb&connect=lakebook")} download>
          Jupyter notebook, runs through Lakebook (.ipynb)
        </a>
        {databricks && (
          <a role="menuitem" href={href("format=ipynb&connect=warehouse")} download>
            Jupyter notebook, connects to the Databricks warehouse (.ipynb)
          </a>
        )}
        <a role="menuitem" href={href("format=databricks")} download>
          Databricks notebook (.ipynb)
        </a>
        <a role="menuitem" href={href("format=sql")} download>
          SQL file (.sql)
        </a>
      </div>
    </details>
  );
}
