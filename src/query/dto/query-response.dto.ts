/** One result column. */
export class ColumnDto {
  /** Column name, made unique with `_2`, `_3`... suffixes. @example "n_name" */
  name!: string;
  /** Trino type. @example "varchar(25)" */
  type!: string;
}

/** The `metadata` member of the JSON download and the first SSE event. */
export class MetadataDto {
  columns!: ColumnDto[];
  /** @example "metadata" */
  type!: 'metadata';
}

/** The JSON download. */
export class QueryDocumentDto {
  metadata!: MetadataDto;
  /** One object per row, keyed by column name. */
  data!: Record<string, unknown>[];
  /** Present and true only when `size` cut the result and more rows existed. */
  truncated?: boolean;
  /** Present only when the query failed after the download began: the rows above are incomplete. */
  error?: string;
}

/** How the SSE stream is framed, for the OpenAPI description. */
export const SSE_EVENTS = [
  'A stream of Server-Sent Events; each is one `data: <json>` line and a blank line:',
  '- `{"type":"metadata","columns":[{"name","type"}]}` first;',
  '- `{"type":"row","data":{<column>: <value>}}` per row;',
  '- `{"type":"complete","rowCount":N,"truncated":bool,"queryId"}` at the end;',
  '- `{"type":"error","error","errorName","errorType","queryId"}` ends a failed stream (no `complete` follows);',
  '- only when the request says `"progress": true`: `{"type":"progress","state","processedRows","processedBytes","progressPercentage"?}` before the first row and between pages, at most four a second.',
  'A `: keep-alive` comment is sent at least every 15 s while nothing else is.',
  'Failures after the query was submitted (syntax, missing table, permission) arrive as the `error` event, never as an HTTP error.',
].join('\n');

/**
 * One Server-Sent Event as the stream carries it: its `data` line holds one of the JSON
 * events above. A named schema so generated clients get a type instead of an inline object;
 * SSE-aware tools (schemathesis, OpenAPI 3.2 `itemSchema`) check each event against it.
 */
export class ServerSentEventDto {
  /** A JSON object with `type`: metadata, row, complete, error, or (on request) progress. */
  data!: string;
}
