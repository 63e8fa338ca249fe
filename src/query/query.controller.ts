import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  HttpCode,
  Logger,
  NotAcceptableException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ErrorResponseDto, QueryErrorResponseDto } from '../common/error-response.dto';
import { DownloadRequestDto, QueryBaseDto, QueryRequestDto } from './dto/query-request.dto';
import { QueryDocumentDto, SSE_EVENTS, ServerSentEventDto } from './dto/query-response.dto';
import { QueryCancel } from './query-cancel.service';
import { QueryService, type RequestContext, type StreamOptions } from './query.service';
import { arrowCodec } from './compression/accept-codecs';
import { negotiateEncoding, type ContentCoding } from './compression/accept-encoding';
import { availableCodings } from './compression/compress';
import { ApiCompression } from './compression/compression.decorator';
import { ARROW_STREAM, arrowFormat } from './formats/arrow.format';
import { csvFormat } from './formats/csv.format';
import { jsonFormat } from './formats/json.format';
import type { ResultFormat } from './formats/result-format';
import { sseFormat } from './formats/sse.format';
import { ApiQueryErrors } from './query-errors.decorator';
import { sendBody } from './send-body';

const logger = new Logger('Stream');

/** The request id, and a signal that fires if the client leaves before the response is done. */
function context(res: Response): RequestContext {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  return { requestId: String(res.getHeader('x-request-id') ?? ''), clientSignal: gone.signal };
}

/**
 * The coding a download is sent in, from the request's Accept-Encoding; undefined for
 * identity. Decided before the query starts, so a client that accepts nothing the service
 * can write gets a 406 and no query runs.
 */
function downloadCoding(res: Response): ContentCoding | undefined {
  const offered = availableCodings();
  const coding = negotiateEncoding(res.req.headers['accept-encoding'], offered);
  if (coding === undefined)
    throw new NotAcceptableException(
      `Accept-Encoding accepts none of ${[...offered, 'identity'].join(', ')}`,
    );
  return coding === 'identity' ? undefined : coding;
}

/**
 * An Arrow download's coding. Buffers compressed inside the stream are not compressed again
 * (twice costs the reader two decompressions for little gain), unless the client refuses an
 * uncompressed body outright.
 */
function arrowCoding(res: Response, buffersCompressed: boolean): ContentCoding | undefined {
  const identity = negotiateEncoding(res.req.headers['accept-encoding'], []) === 'identity';
  return buffersCompressed && identity ? undefined : downloadCoding(res);
}

/** A query route: POST, 200 with `content` (media type to schema), and the query errors. */
function QueryRoute(
  path: string,
  description: string,
  content: Record<string, object>,
): MethodDecorator & ClassDecorator {
  const body = Object.fromEntries(Object.entries(content).map(([t, schema]) => [t, { schema }]));
  return applyDecorators(
    Post(path),
    HttpCode(200),
    // Applied in this order, as the stacked decorators were (bottom first): the OK response
    // merges into the one ApiQueryErrors documents.
    ApiQueryErrors(path !== ''),
    ...(path === '' ? [] : [ApiCompression()]),
    ApiOkResponse({ description, content: body }),
  );
}

@ApiTags('query')
@Authenticated()
@ApiExtraModels(ErrorResponseDto, QueryErrorResponseDto, QueryDocumentDto, ServerSentEventDto)
@Controller('query')
export class QueryController {
  constructor(
    private readonly queries: QueryService,
    private readonly cancels: QueryCancel,
  ) {}

  /** Runs one SQL statement and streams the rows as Server-Sent Events. */
  @QueryRoute('', SSE_EVENTS, {
    'text/event-stream': { $ref: getSchemaPath(ServerSentEventDto) },
  })
  query(
    @CurrentPrincipal() principal: Principal,
    @Body() body: QueryRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    // Never compressed: most proxies buffer a compressed event stream (docs/compression.md).
    return this.run(res, principal, body, sseFormat, { progress: body.progress === true });
  }

  /** Runs one SQL statement and streams the result as a CSV file. */
  @QueryRoute(
    'download/csv',
    'RFC 4180 CSV with a header row; an aborted transfer means the query failed midway.',
    { 'text/csv': { type: 'string' } },
  )
  downloadCsv(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DownloadRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    return this.run(res, principal, body, csvFormat(body.filename), {
      coding: downloadCoding(res),
    });
  }

  /** Runs one SQL statement and streams the result as a JSON document. */
  @QueryRoute('download/json', 'The result document, written progressively.', {
    'application/json': { $ref: getSchemaPath(QueryDocumentDto) },
  })
  downloadJson(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DownloadRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    return this.run(res, principal, body, jsonFormat(body.filename), {
      coding: downloadCoding(res),
    });
  }

  /** Runs one SQL statement and streams the result as an Apache Arrow IPC stream. */
  @QueryRoute(
    'download/arrow',
    "An Arrow IPC stream, typed from Trino's column types (docs/arrow.md); it ends with an " +
      'empty batch whose metadata gives trino.row_count and trino.truncated. An aborted ' +
      'transfer means the query failed midway. `Accept: ' +
      `${ARROW_STREAM}; codecs=lz4\` asks for LZ4_FRAME-compressed record batch buffers ` +
      '(answered with that Content-Type, and then no Content-Encoding).',
    { [ARROW_STREAM]: { type: 'string', format: 'binary' } },
  )
  downloadArrow(
    @CurrentPrincipal() principal: Principal,
    @Body() body: DownloadRequestDto,
    @Res() res: Response,
  ): Promise<void> {
    const codec = arrowCodec(res.req.headers.accept);
    return this.run(res, principal, body, arrowFormat(body.filename, codec), {
      coding: arrowCoding(res, codec !== undefined),
    });
  }

  /**
   * Cancels a running query that the caller started through this service, whichever replica
   * runs it.
   */
  @Delete(':queryId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Cancelled; its stream ends with an error saying so.' })
  @ApiBadRequestResponse({ description: 'Not a Trino query id', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: "Another user's query", type: ErrorResponseDto })
  @ApiNotFoundResponse({
    description: 'No such query running, or not started through this service',
    type: ErrorResponseDto,
  })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('queryId') queryId: string,
  ): Promise<void> {
    return this.cancels.cancel(queryId, principal);
  }

  private async run(
    res: Response,
    principal: Principal,
    body: QueryBaseDto,
    format: ResultFormat,
    options: StreamOptions,
  ): Promise<void> {
    // Written by the service, not piped by Nest: see sendBody.
    const out = await this.queries.stream(principal, body, format, context(res), options);
    await sendBody(res, out.headers, out.body, (e) => logger.warn(`stream aborted: ${e.message}`));
  }
}
