/**
 * Writes openapi/openapi.json from the decorators. Boots the app without Trino or an identity
 * provider: nothing is contacted while the document is built.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from '../src/openapi/offline';

async function main(): Promise<void> {
  const out = join(__dirname, '..', '..', 'openapi', 'openapi.json');
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, await openApiText());
  process.stdout.write(`wrote ${out}\n`);
}

void main();
