import { createApp } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { buildOpenApi } from './openapi';

/**
 * Every auth method enabled with placeholder settings: the document must show all three
 * schemes, and nothing here is contacted while it is built.
 */
const OFFLINE_ENV = {
  AUTH_BASIC_PASSWORD_FILE: '/dev/null',
  AUTH_IDTOKEN_ISSUER: 'http://issuer.invalid',
  AUTH_IDTOKEN_AUDIENCE: 'trino-stream',
  AUTH_BEARER_ISSUER: 'http://issuer.invalid',
  AUTH_BEARER_AUDIENCE: 'trino-stream',
};

/** The OpenAPI document as the committed file holds it: sorted keys, two-space indent. */
export async function openApiText(): Promise<string> {
  const app = await createApp(loadConfig(OFFLINE_ENV), false);
  try {
    return `${JSON.stringify(buildOpenApi(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
