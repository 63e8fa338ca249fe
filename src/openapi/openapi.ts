import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Returns `value` with every object's keys sorted, so the committed file diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** Builds the OpenAPI document from the decorators; operationIds are `Controller_method`. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('trino-stream')
    .setDescription(
      'Authenticated, streaming HTTP API in front of Trino: rows as Server-Sent Events, or streamed CSV and JSON downloads.',
    )
    .setVersion('0.1.0')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'this service')
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: "A user from the password file (Trino's format)",
      },
      'basic',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'idtoken', description: 'An OIDC ID token' },
      'idtoken',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An OAuth2 client-credentials access token',
      },
      'bearer',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey: string, methodKey: string) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  // Public operations say so explicitly (`security: []`), so generators and readers need not
  // guess what a missing field means.
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      if (typeof op === 'object' && op !== null && 'responses' in op) {
        const operation = op as { security?: unknown[] };
        operation.security ??= [];
      }
    }
  }
  // Request bodies reject unknown fields (the validation pipe forbids them); say so.
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if (name.endsWith('RequestDto') && 'properties' in schema) schema.additionalProperties = false;
  }
  return sortKeys(document) as OpenAPIObject;
}
