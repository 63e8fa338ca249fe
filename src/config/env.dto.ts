import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The process environment, as the contract lists it. Validated once at boot; a bad value
 * stops the service with a message naming the variable.
 */
export class EnvDto {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsOptional() @IsString() @IsNotEmpty() HOST: string = '0.0.0.0';

  @IsOptional() @IsUrl(URL_OPTIONS) TRINO_URL: string = 'http://127.0.0.1:8080';
  @IsOptional() @IsString() @IsNotEmpty() TRINO_USER?: string;
  @ValidateIf((e: EnvDto) => e.TRINO_USER !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'TRINO_PASSWORD is required when TRINO_USER is set' })
  TRINO_PASSWORD?: string;
  /**
   * PEM file of the CA (or CAs) that signed Trino's TLS certificate, when it is not one the
   * system already trusts (a private CA, a self-signed certificate).
   */
  @IsOptional() @IsString() @IsNotEmpty() TRINO_TLS_CA_FILE?: string;
  @IsOptional() @IsString() @IsNotEmpty() TRINO_CATALOG?: string;
  @IsOptional() @IsString() @IsNotEmpty() TRINO_SCHEMA?: string;
  @IsOptional() @IsString() @IsNotEmpty() TRINO_SOURCE: string = 'trino-stream';

  /**
   * While a reader is slow, Trino is reminded this often that the query is still wanted
   * (Trino abandons a query after query.client.timeout, 5 minutes by default).
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(240) TRINO_HEARTBEAT_SECONDS: number = 60;

  @IsOptional() @IsString() @IsNotEmpty() AUTH_BASIC_PASSWORD_FILE?: string;
  /**
   * Failed Basic logins allowed a minute: per (user, client address), per user from any
   * address, and per address over all users.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) AUTH_FAILED_LOGINS_PER_USER_ADDRESS: number = 10;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) AUTH_FAILED_LOGINS_PER_USER: number = 100;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) AUTH_FAILED_LOGINS_PER_ADDRESS: number = 30;
  /** Proxies in front of the service whose X-Forwarded-For entries are believed; 0 believes none. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(10) TRUST_PROXY_HOPS: number = 0;

  @IsOptional() @IsUrl(URL_OPTIONS) AUTH_IDTOKEN_ISSUER?: string;
  @ValidateIf((e: EnvDto) => e.AUTH_IDTOKEN_ISSUER !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'AUTH_IDTOKEN_AUDIENCE is required when AUTH_IDTOKEN_ISSUER is set' })
  AUTH_IDTOKEN_AUDIENCE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) AUTH_IDTOKEN_JWKS_URI?: string;
  @IsOptional() @IsString() @IsNotEmpty() AUTH_IDTOKEN_USER_CLAIM: string = 'sub';

  @IsOptional() @IsUrl(URL_OPTIONS) AUTH_BEARER_ISSUER?: string;
  @ValidateIf((e: EnvDto) => e.AUTH_BEARER_ISSUER !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'AUTH_BEARER_AUDIENCE is required when AUTH_BEARER_ISSUER is set' })
  AUTH_BEARER_AUDIENCE?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) AUTH_BEARER_JWKS_URI?: string;
  @IsOptional() @IsString() @IsNotEmpty() AUTH_BEARER_USER_CLAIM: string = 'sub';
  @IsOptional() @IsString() AUTH_BEARER_REQUIRED_SCOPES?: string;

  @IsOptional() @IsString() @IsNotEmpty() AUTH_USER_MAPPING_PATTERN?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) QUERY_SQL_MAX_BYTES: number = 1048576;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) QUERY_MAX_CONCURRENT_PER_USER: number = 10;
  /** Peak RSS this replica aims to stay under; QUERY_MAX_CONCURRENT is derived from it. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(64) MEMORY_BUDGET_MB: number = 448;
  /** Streams in flight on this replica; past it a new query is a 503 (default from the budget). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) QUERY_MAX_CONCURRENT?: number;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  /** Comma-separated Trino session properties a request's `session` may set; none by default. */
  @IsOptional() @IsString() QUERY_SESSION_PROPERTIES_ALLOWED?: string;

  /** Longest silence on an SSE stream before a keep-alive comment is sent. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(15) SSE_KEEP_ALIVE_SECONDS: number = 15;
  /** Seconds open streams get to finish after SIGTERM before they are ended as failed. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) SHUTDOWN_GRACE_SECONDS: number = 25;
  /**
   * Seconds after SIGTERM during which the listener stays open (readiness 503, new queries
   * 503) before it closes, for load balancers that poll readiness; 0 closes it at once.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(300) SHUTDOWN_DELAY_SECONDS: number = 0;
  /** Longest time a client may take to send a request head (slowloris protection). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  HTTP_HEADERS_TIMEOUT_SECONDS: number = 10;
  /** Longest time a client may take to send a whole request, head and body. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_REQUEST_TIMEOUT_SECONDS: number = 30;
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: string = 'log';
}
