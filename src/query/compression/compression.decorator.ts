import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';

/** The 200 headers a download adds for its coding. */
export const CODING_HEADERS = {
  'Content-Encoding': {
    description: 'gzip, br or zstd when Accept-Encoding asked for it; absent for identity',
    schema: { type: 'string', enum: ['gzip', 'br', 'zstd'] },
  },
  Vary: {
    description: 'Accept-Encoding; on the Arrow download Accept, Accept-Encoding',
    schema: { type: 'string' },
  },
};

/**
 * Documents a download's content negotiation (docs/compression.md). Accept-Encoding is not
 * declared as a parameter: generators would add it to every download method's signature, and
 * every HTTP client sets it on its own.
 */
export const ApiCompression = (): MethodDecorator =>
  ApiResponse({
    status: 406,
    description:
      "The request's Accept-Encoding excludes identity and every coding the service writes. " +
      'Downloads are compressed when Accept-Encoding asks: gzip, br, or zstd (Node 22.15 or ' +
      'later), by q-value, flushed page by page; without it, identity.',
    type: ErrorResponseDto,
  });
