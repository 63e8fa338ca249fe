/** Injection token of the process-wide undici pool to Trino. */
export const TRINO_AGENT = Symbol('TRINO_AGENT');
/** Injection token of the process-wide page connections to Trino (PageConnections). */
export const TRINO_PAGES = Symbol('TRINO_PAGES');
