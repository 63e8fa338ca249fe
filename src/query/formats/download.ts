import type { Endpoint } from '../../observability/metrics.service';

/**
 * The headers every download shares: its type, the attachment's file name, no caching, and
 * that its coding depends on Accept-Encoding (so a cache never hands gzip to a client that
 * did not ask for it).
 */
export function downloadHeaders(
  endpoint: Endpoint,
  contentType: string,
  filename = 'download',
): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${filename}.${endpoint}"`,
    'Cache-Control': 'no-store',
    Vary: 'Accept-Encoding',
  };
}
