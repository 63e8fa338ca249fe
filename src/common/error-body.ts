import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

/** The JSON error body every endpoint uses: `{statusCode, error, message, ...}`. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

export function errorBody(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra };
}

/**
 * Writes an error response: `body` is the JSON to send, or a message for the usual error body.
 * The one writer of error JSON: the exception filter uses it, and so do the few Express
 * middlewares that answer before Nest's filters could see an exception (routing by method, the
 * console's files, the JSON body check).
 */
export function sendError(
  res: Response,
  status: number,
  body: string | object,
  headers: Record<string, string | string[]> = {},
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json(typeof body === 'string' ? errorBody(status, body) : body);
}
