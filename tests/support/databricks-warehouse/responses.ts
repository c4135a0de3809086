import { toTColumns } from "./columns";
import type { Operation, Page } from "./operation";
import { int64, type T, ttypes } from "./thrift";
import { tableSchema } from "./types";

const { TStatusCode, TOperationState, TSparkRowSetType } = ttypes;

export const ok = () => new ttypes.TStatus({ statusCode: TStatusCode.SUCCESS_STATUS });

/** An error TStatus in Hive's shape; the driver turns it into a StatusError (message = errorMessage). */
export const failure = (message: string) =>
  new ttypes.TStatus({
    statusCode: TStatusCode.ERROR_STATUS,
    errorMessage: message,
    infoMessages: [`*org.apache.hive.service.cli.HiveSQLException:${message}:0:0`],
  });

export function operationHandle(operation: Operation): T.TOperationHandle {
  return new ttypes.TOperationHandle({
    operationId: new ttypes.THandleIdentifier({ guid: operation.guid, secret: operation.secret }),
    operationType: operation.type,
    hasResultSet: true,
  });
}

/** ERROR_STATE carries the message in displayMessage, which the driver uses for OperationStateError. */
export function statusResponse(operation: Operation): T.TGetOperationStatusResp {
  const error = operation.error;
  return new ttypes.TGetOperationStatusResp({
    status: ok(),
    operationState: operation.state,
    hasResultSet: true,
    sqlState: error?.sqlState,
    errorCode: error ? 0 : undefined,
    errorMessage: error?.displayMessage,
    displayMessage: error?.displayMessage,
  });
}

export function metadataResponse(operation: Operation): T.TGetResultSetMetadataResp {
  const arrow = operation.format.arrow !== null;
  const links = operation.urlResult;
  return new ttypes.TGetResultSetMetadataResp({
    status: ok(),
    schema: tableSchema(operation.columns),
    resultFormat: links
      ? TSparkRowSetType.URL_BASED_SET
      : arrow
        ? TSparkRowSetType.ARROW_BASED_SET
        : TSparkRowSetType.COLUMN_BASED_SET,
    lz4Compressed: links?.lz4 ?? false,
    arrowSchema: arrow ? operation.arrowSchemaBytes : undefined,
    isStagingOperation: false,
  });
}

export function fetchResponse(operation: Operation, page: Page): T.TFetchResultsResp {
  const startRowOffset = int64(page.startRowOffset);
  const results = operation.format.arrow
    ? new ttypes.TRowSet({
        startRowOffset,
        rows: [],
        arrowBatches:
          page.rowCount > 0
            ? [new ttypes.TSparkArrowBatch({ batch: operation.encodeArrow(page), rowCount: int64(page.rowCount) })]
            : [],
      })
    : new ttypes.TRowSet({
        startRowOffset,
        rows: [],
        columns: toTColumns(operation.columns, page.values, page.rowCount),
      });
  return new ttypes.TFetchResultsResp({ status: ok(), hasMoreRows: page.hasMore, results });
}

/**
 * The next results: a page of rows inline, or the next result links. `from`
 * (FETCH_ABSOLUTE, FETCH_FIRST) goes back to a row offset; only result links
 * can, as inline rows are not kept once sent.
 */
export async function nextResults(operation: Operation, maxRows: number, from?: number): Promise<T.TFetchResultsResp> {
  const links = operation.urlResult;
  if (!links) return fetchResponse(operation, await operation.fetch(maxRows));
  const { links: resultLinks, startRowOffset, hasMore } = await links.fetch(from);
  return new ttypes.TFetchResultsResp({
    status: ok(),
    hasMoreRows: hasMore,
    results: new ttypes.TRowSet({ startRowOffset: int64(startRowOffset), rows: [], resultLinks }),
  });
}

/**
 * What ExecuteStatement (and the metadata calls) include when the client asked
 * for direct results and the operation settled in time: its status, and when
 * it finished its metadata and first page. When nothing is left to fetch,
 * `closeOperation` tells the driver the server already closed it, and the
 * driver then never sends CloseOperation for it.
 */
export async function directResults(operation: Operation, maxRows: number): Promise<T.TSparkDirectResults> {
  if (operation.state !== TOperationState.FINISHED_STATE) {
    const operationStatus = statusResponse(operation);
    operation.close();
    return new ttypes.TSparkDirectResults({
      operationStatus,
      closeOperation: new ttypes.TCloseOperationResp({ status: ok() }),
    });
  }
  const resultSet = await nextResults(operation, maxRows);
  const result = new ttypes.TSparkDirectResults({
    operationStatus: statusResponse(operation),
    resultSetMetadata: metadataResponse(operation),
    resultSet,
  });
  if (!resultSet.hasMoreRows) {
    operation.close();
    result.closeOperation = new ttypes.TCloseOperationResp({ status: ok() });
  }
  return result;
}
