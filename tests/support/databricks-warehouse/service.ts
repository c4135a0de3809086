import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { toSqlError } from "./errors";
import type { GeneratedMetastore } from "./generated-metastore";
import * as metadata from "./metadata";
import type { Operation, ResultFormat } from "./operation";
import { bindParameters } from "./parameters";
import { InvalidHandle, type Registry } from "./registry";
import { requestContext } from "./request-context";
import {
  directResults,
  failure,
  metadataResponse,
  nextResults,
  ok,
  operationHandle,
  statusResponse,
} from "./responses";
import { chained, type Rewritten } from "./rewritten";
import { type RowSource, streamStatement } from "./row-source";
import { DEFAULT_NAMESPACE, Session } from "./session";
import { MAIN_CATALOG, toDuckdbSql } from "./sql-rewrite";
import type { ResultStorage } from "./storage";
import { int64ToNumber, type T, ttypes } from "./thrift";
import { type CloudFetchSettings, chooseDelivery } from "./url-result";

const { TFetchOrientation, TOperationState, TOperationType, TProtocolVersion } = ttypes;

/** How long ExecuteStatement waits for a statement to finish so it can answer with direct results. */
const DIRECT_RESULTS_WAIT_MS = 250;
const DEFAULT_DIRECT_ROWS = 100_000;

type Request = {
  sessionHandle?: T.TSessionHandle;
  runAsync?: boolean;
  getDirectResults?: T.TSparkGetDirectResults;
};

/**
 * The TCLIService handler given to the generated Processor. Each method takes
 * exactly one argument and returns a promise: the Processor then answers with
 * the resolved response. A handle the warehouse does not know is answered
 * with an error TStatus, as Databricks does, never with a Thrift exception.
 */
export function createService(
  instance: DuckDBInstance,
  registry: Registry,
  cloudFetch: { storage: ResultStorage; settings: CloudFetchSettings },
  generated?: GeneratedMetastore,
) {
  // How each finished operation's results travel, decided once before its first results go out.
  const decided = new WeakMap<Operation, Promise<void>>();
  const prepare = (operation: Operation): Promise<void> => {
    let decision = decided.get(operation);
    if (!decision) {
      decision = chooseDelivery(operation, cloudFetch.storage, cloudFetch.settings, registry.results);
      decided.set(operation, decision);
    }
    return decision;
  };

  const guarded =
    <Req, Resp>(method: (req: Req) => Promise<Resp>) =>
    (req: Req): Promise<Resp | { status: T.TStatus }> =>
      method(req).catch((error: unknown) => {
        if (error instanceof InvalidHandle) return { status: failure(error.message) };
        return { status: failure(toSqlError(error).displayMessage) };
      });

  /** Starts an operation and answers like ExecuteStatement: a handle, plus direct results when finished quickly. */
  const answer = async (operation: Operation, req: Request) => {
    if (!req.runAsync) await operation.ready;
    else if (req.getDirectResults) await Promise.race([operation.ready, sleep(DIRECT_RESULTS_WAIT_MS)]);
    const finishedQuickly = operation.state !== TOperationState.RUNNING_STATE;
    let direct: T.TSparkDirectResults | undefined;
    if (req.getDirectResults && finishedQuickly) {
      if (operation.state === TOperationState.FINISHED_STATE) await prepare(operation);
      direct = await directResults(operation, int64ToNumber(req.getDirectResults.maxRows, DEFAULT_DIRECT_ROWS));
      if (direct.closeOperation) registry.forget(operation);
    }
    return { status: ok(), operationHandle: operationHandle(operation), directResults: direct };
  };

  const metadataCall =
    (type: T.TOperationType, label: string, run: (connection: DuckDBConnection, req: never) => Promise<RowSource>) =>
    async (req: Request) => {
      const session = registry.session(req.sessionHandle);
      registry.metadataCalls.push(label);
      // Metadata requests cannot ask for Arrow: their results are column-based.
      const operation = registry.track(
        session.start(type, label, { arrow: null, cloudFetch: null }, (connection) => run(connection, req as never)),
      );
      return answer(operation, req);
    };

  return {
    OpenSession: guarded(async (req: T.TOpenSessionReq) => {
      const requested = req.client_protocol_i64 ? int64ToNumber(req.client_protocol_i64, 0) : req.client_protocol;
      const version = Math.min(
        requested && requested > 0 ? requested : TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
        TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      );
      const initial = req.initialNamespace;
      const catalog = initial?.catalogName === "main" ? MAIN_CATALOG : initial?.catalogName;
      const session = await Session.open(instance, {
        catalog: catalog ?? DEFAULT_NAMESPACE.catalog,
        schema: initial?.schemaName ?? DEFAULT_NAMESPACE.schema,
      });
      session.statementTimeout = Number(req.configuration?.STATEMENT_TIMEOUT ?? 0) || 0;
      registry.add(session);
      return {
        status: ok(),
        serverProtocolVersion: version,
        sessionHandle: new ttypes.TSessionHandle({
          sessionId: new ttypes.THandleIdentifier({ guid: session.guid, secret: session.secret }),
        }),
        configuration: {},
        canUseMultipleCatalogs: true,
      };
    }),

    CloseSession: guarded(async (req: T.TCloseSessionReq) => {
      await registry.closeSession(registry.session(req.sessionHandle));
      return { status: ok() };
    }),

    GetInfo: guarded(async (req: T.TGetInfoReq) => {
      registry.session(req.sessionHandle);
      const values: Record<number, string> = {
        [ttypes.TGetInfoType.CLI_SERVER_NAME]: "Lakebook test warehouse",
        [ttypes.TGetInfoType.CLI_DBMS_NAME]: "Spark SQL",
        [ttypes.TGetInfoType.CLI_DBMS_VER]: "3.5.0 (DuckDB test warehouse)",
      };
      const stringValue = values[req.infoType];
      if (stringValue === undefined) return { status: failure(`Unrecognized GetInfoType value: ${req.infoType}`) };
      return { status: ok(), infoValue: new ttypes.TGetInfoValue({ stringValue }) };
    }),

    ExecuteStatement: guarded(async (req: T.TExecuteStatementReq) => {
      const session = registry.session(req.sessionHandle);
      registry.executed.push(req.statement);
      const caller = requestContext.getStore();
      registry.callers.push({
        statement: req.statement,
        userAgent: caller?.userAgent ?? null,
        credential: caller?.credential ?? null,
        identity: caller?.identity ?? null,
        queryTags: req.confOverlay?.query_tags ?? null,
      });
      registry.parameters.push({
        statement: req.statement,
        parameters: (req.parameters ?? []).map((p) => ({
          name: p.name ?? null,
          type: p.type ?? null,
          value: p.value?.stringValue ?? null,
        })),
      });
      // Parameters become literals and names DuckDB's; errors point back into the statement as sent.
      let ran: Rewritten | undefined;
      const operation = registry.track(
        session.start(
          TOperationType.EXECUTE_STATEMENT,
          req.statement,
          formatOf(req),
          async (connection) => {
            const bound = bindParameters(req.statement, req.parameters ?? []);
            ran = chained(bound, toDuckdbSql(bound.text));
            return streamStatement(connection, ran.text);
          },
          () => ran,
        ),
      );
      // The smaller of the statement's queryTimeout and the session's STATEMENT_TIMEOUT, as set.
      const timeouts = [int64ToNumber(req.queryTimeout, 0), session.statementTimeout].filter((t) => t > 0);
      registry.timeouts.push({ queryTimeout: int64ToNumber(req.queryTimeout, 0), session: session.statementTimeout });
      if (timeouts.length > 0) operation.limitTo(Math.min(...timeouts));
      return answer(operation, req);
    }),

    GetCatalogs: guarded(
      metadataCall(TOperationType.GET_CATALOGS, "GetCatalogs", (c) => metadata.catalogs(c, generated)),
    ),
    GetSchemas: guarded(
      metadataCall(TOperationType.GET_SCHEMAS, "GetSchemas", (c, r: T.TGetSchemasReq) =>
        metadata.schemas(c, r.catalogName, r.schemaName, generated),
      ),
    ),
    GetTables: guarded(
      metadataCall(TOperationType.GET_TABLES, "GetTables", (c, r: T.TGetTablesReq) => metadata.tables(c, r, generated)),
    ),
    GetColumns: guarded(
      metadataCall(TOperationType.GET_COLUMNS, "GetColumns", (c, r: T.TGetColumnsReq) =>
        metadata.columns(c, r, generated),
      ),
    ),
    GetTableTypes: guarded(
      metadataCall(TOperationType.GET_TABLE_TYPES, "GetTableTypes", async () => metadata.tableTypes()),
    ),
    GetTypeInfo: unsupported,
    GetFunctions: unsupported,
    GetPrimaryKeys: unsupported,
    GetCrossReference: unsupported,
    GetDelegationToken: unsupported,
    CancelDelegationToken: unsupported,
    RenewDelegationToken: unsupported,

    GetOperationStatus: guarded(async (req: T.TGetOperationStatusReq) =>
      statusResponse(registry.operation(req.operationHandle)),
    ),

    GetResultSetMetadata: guarded(async (req: T.TGetResultSetMetadataReq) => {
      const operation = registry.operation(req.operationHandle);
      await operation.ready;
      if (operation.state !== TOperationState.FINISHED_STATE) return { status: failure(notReady(operation)) };
      await prepare(operation);
      return metadataResponse(operation);
    }),

    FetchResults: guarded(async (req: T.TFetchResultsReq) => {
      const operation = registry.operation(req.operationHandle);
      if (req.fetchType === 1) return { status: ok(), hasMoreRows: false }; // operation logs: none
      await operation.ready;
      if (operation.state !== TOperationState.FINISHED_STATE) return { status: failure(notReady(operation)) };
      await prepare(operation);
      return nextResults(operation, int64ToNumber(req.maxRows, DEFAULT_DIRECT_ROWS), rewindTo(req));
    }),

    CancelOperation: guarded(async (req: T.TCancelOperationReq) => {
      const operation = registry.operation(req.operationHandle);
      if (!operation.finished) registry.cancelled.push(operation.sql);
      operation.cancel();
      return { status: ok() };
    }),

    CloseOperation: guarded(async (req: T.TCloseOperationReq) => {
      const operation = registry.operation(req.operationHandle);
      operation.close();
      registry.forget(operation);
      await operation.urlResult?.discard();
      return { status: ok() };
    }),
  };
}

async function unsupported(_req: unknown) {
  return { status: failure("Not supported by the Lakebook test warehouse") };
}

function formatOf(req: T.TExecuteStatementReq): ResultFormat {
  if (!req.canReadArrowResult) return { arrow: null, cloudFetch: null };
  const native = req.useArrowNativeTypes;
  return {
    arrow: {
      timestamp: native?.timestampAsArrow ?? false,
      decimal: native?.decimalAsArrow ?? false,
      complex: native?.complexTypesAsArrow ?? false,
    },
    cloudFetch: req.canDownloadResult ? { lz4: req.canDecompressLZ4Result === true } : null,
  };
}

/** The row offset a fetch goes back to: FETCH_FIRST is 0, FETCH_ABSOLUTE names it in startRowOffset. */
function rewindTo(req: T.TFetchResultsReq): number | undefined {
  if (req.orientation === TFetchOrientation.FETCH_ABSOLUTE) return int64ToNumber(req.startRowOffset, 0);
  if (req.orientation === TFetchOrientation.FETCH_FIRST) return 0;
  return undefined;
}

function notReady(operation: Operation): string {
  if (operation.error) return operation.error.displayMessage;
  return `Operation is in state ${ttypes.TOperationState[operation.state]}, not FINISHED_STATE`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
