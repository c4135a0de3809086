import "server-only";
import { LogLevel } from "@databricks/sql";
import type IDBSQLLogger from "@databricks/sql/dist/contracts/IDBSQLLogger";
import { hiding, type Logger, log } from "../../log";

/**
 * What the driver logs goes to the server's log, instead of the driver's
 * default winston logger (which adds an exit-on-error handler to the process
 * for every client). The connection's own secrets are hidden besides anything
 * that looks like one; the driver's routine info lines become debug lines.
 */
export function driverLogger(secrets: readonly string[], logger: Logger = log): IDBSQLLogger {
  const out = hiding(logger.child("databricks"), secrets);
  return {
    log(level: LogLevel, message: string) {
      if (level === LogLevel.error) out.error(message);
      else if (level === LogLevel.warn) out.warn(message);
      else out.debug(message);
    },
    getLevel: () => LogLevel.warn,
  };
}
