import type { Endpoint } from '../../observability/metrics.service';
import type { RowSlices } from '../../trino/row-slices';
import type { Progress } from '../batches';
import type { ResultColumns } from '../encoders/columns';
import type { Failure } from '../query-failure';
import type { Chunk } from '../readable-from';

/**
 * One way of writing a query's result. Implemented once per format (one file in this folder);
 * a format never sees Nest, Express, Trino or the registry, only columns, rows and how the
 * query ended. resultStream() drives it.
 */
export interface ResultFormat {
  /** The route's name in metrics and logs. */
  readonly endpoint: Endpoint;
  /** Response headers (resultStream's caller adds `X-Query-Id`). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * True when the HTTP head waits for Trino's columns, so a failure before them is an HTTP
   * error; false when the head goes out at once and every failure is reported in the body.
   */
  readonly headAfterColumns: boolean;
  /** How much of a Trino page each `rows` call gets, when not the text formats' default. */
  readonly scanBytes?: number;
  /** Written whenever the body has been silent a while, so proxies keep the stream open. */
  readonly keepAlive?: string;
  /** What opens the body, once the columns are known. */
  head(cols: ResultColumns, queryId: string): Chunk;
  /** One page's rows; `first` is true for the first rows of the result. */
  rows(cols: ResultColumns, rows: RowSlices, first: boolean): Chunk;
  /** Trino's progress, for formats that can report it between rows. */
  readonly progress?: (p: Progress) => string;
  end(rowCount: number, truncated: boolean, queryId: string): Chunk;
  /**
   * After the head: what tells the reader why the query failed ('' when nobody is left to
   * tell), or undefined when the format cannot say it and the transfer must be aborted.
   */
  failed(failure: Failure | undefined): string | undefined;
}
