/** Injection token of the process-wide undici pool to Trino. */
export const TRINO_AGENT = Symbol('TRINO_AGENT');
