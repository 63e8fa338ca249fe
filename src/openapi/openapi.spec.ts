import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiText } from './offline';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

describe('openapi/openapi.json', () => {
  let generated: string;
  let doc: Doc;
  beforeAll(async () => {
    generated = await openApiText();
    doc = JSON.parse(generated) as Doc;
  });

  it('is committed exactly as `npm run openapi` generates it (run it after changing a route or DTO)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8');
    expect(committed).toBe(generated);
  });

  const PUBLIC = ['GET /', 'GET /health', 'GET /health/live', 'GET /health/ready', 'GET /metrics'];
  const PROTECTED = [
    'GET /me',
    'POST /query',
    'POST /query/download/csv',
    'POST /query/download/json',
    'POST /query/download/arrow',
    'DELETE /query/{queryId}',
  ];

  it('shows the three schemes on every protected route and none on public ones', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    );
    expect(ops.map(([k]) => k).sort()).toEqual([...PUBLIC, ...PROTECTED].sort());
    for (const [key, op] of ops) {
      const expected = PUBLIC.includes(key) ? [] : [{ basic: [] }, { idtoken: [] }, { bearer: [] }];
      expect([key, op.security]).toEqual([key, expected]);
    }
  });

  it('documents the streaming media types', () => {
    const media = (path: string): string[] =>
      Object.keys(doc.paths[path].post.responses['200'].content ?? {});
    expect(media('/query')).toEqual(['text/event-stream']);
    expect(media('/query/download/csv')).toEqual(['text/csv']);
    expect(media('/query/download/json')).toEqual(['application/json']);
    expect(media('/query/download/arrow')).toEqual(['application/vnd.apache.arrow.stream']);
  });

  it('has unique, stable operationIds', () => {
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('Query_query');
  });

  // Generated clients (npm run clients) get a named type for a body only when it is a $ref to a
  // component; an inline schema becomes an anonymous type per route and status.
  const PLAIN = ['text/csv', 'text/plain', 'application/vnd.apache.arrow.stream'];
  it('names the schema of every body but plain text and bytes (CSV, metrics, Arrow), and documents X-Query-Id and Retry-After', () => {
    type Media = Record<string, { schema?: { $ref?: string } }>;
    type Op = {
      requestBody?: { content: Media };
      responses: Record<string, { content?: Media; headers?: Record<string, unknown> }>;
    };
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Op>>)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        const bodies: [string, Media | undefined][] = [
          ['request', op.requestBody?.content],
          ...Object.entries(op.responses).map(([s, r]): [string, Media | undefined] => [
            s,
            r.content,
          ]),
        ];
        // CSV and Prometheus text are plain strings, an Arrow stream bytes: nothing to name.
        for (const [part, content] of bodies)
          for (const [media, m] of Object.entries(content ?? {}))
            if (!PLAIN.includes(media) && !m.schema?.$ref)
              problems.push(`${where} ${part} ${media}`);
        for (const [status, r] of Object.entries(op.responses))
          if (
            ['429', '503'].includes(status) &&
            path !== '/health/ready' &&
            !r.headers?.['Retry-After']
          )
            problems.push(`${where} ${status} without Retry-After`);
        if (where.startsWith('POST /query') && !op.responses['200'].headers?.['X-Query-Id'])
          problems.push(`${where} 200 without X-Query-Id`);
      }
    }
    expect(problems).toEqual([]);
  });
});
