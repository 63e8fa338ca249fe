/** The fixed body of `GET /` and `GET /health`. */
export class StatusDto {
  /** @example "healthy" */
  status!: 'healthy';
  /** @example "trino-stream" */
  service!: 'trino-stream';
}
