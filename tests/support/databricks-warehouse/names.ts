/** A cloud-looking host name: the driver does OAuth only for Databricks cloud hosts. */
export const OAUTH_HOST = "lakebook-test.cloud.databricks.com";
/** Names the warehouse's certificate is valid for. */
export const WAREHOUSE_NAMES = ["localhost", OAUTH_HOST];
