import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
} from 'class-validator';
import { BindableParameters, MAX_PARAMETERS } from '../parameters/parameters.validator';

/** Trims the SQL and drops one trailing `;`, so `SELECT 1;` is accepted as one statement. */
const normaliseSql = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().replace(/;\s*$/, '').trim() : value;

/** What every query endpoint takes: one SQL statement and optional limits. */
export class QueryBaseDto {
  /**
   * One SQL statement; a trailing `;` is tolerated.
   * @example "SELECT * FROM tpch.tiny.nation"
   */
  @Transform(normaliseSql)
  @IsString()
  @MinLength(1, { message: 'sql must not be empty' })
  // The same rule as the published schema: at least one character that is not blank or `;`.
  @Matches(/[^\s;]/, { message: 'sql must not be empty' })
  sql!: string;

  /**
   * The most rows to return. When more exist the query is cancelled and the result says
   * `truncated: true`.
   * @example 100
   */
  @ApiPropertyOptional({ type: 'integer', format: 'int64' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  size?: number;

  /** Default catalog for unqualified names. @example "tpch" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  catalog?: string;

  /** Default schema for unqualified names. @example "tiny" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  schema?: string;

  /**
   * Values for the `?` markers of `sql`, bound by Trino (`EXECUTE IMMEDIATE ... USING`), never
   * pasted into the SQL text. Each is a JSON string (varchar), boolean, null, integer within
   * ±2^53 (bigint), other finite number (double), or `{"type": "<trino type>", "value":
   * "<text>"}` for any other type: `bigint`, `integer`, `smallint`, `tinyint`, `real`,
   * `double`, `decimal(p,s)`, `varchar(n)`, `char(n)`, `varbinary` (base64), `date`,
   * `time(p)`, `time(p) with time zone`, `timestamp(p)`, `timestamp(p) with time zone`,
   * `json`, `uuid`, `boolean`. A value its type cannot hold is a 400 naming its index.
   */
  @ApiPropertyOptional({
    type: 'array',
    items: {},
    maxItems: MAX_PARAMETERS,
    example: ['ALGERIA', 42, { type: 'decimal(38,18)', value: '1.5' }],
  })
  @IsOptional()
  @Validate(BindableParameters)
  parameters?: unknown[];

  /**
   * Seconds the query may take in Trino, queueing and planning included (Trino's
   * `query_max_run_time`, never sent above the cluster's own limit). Past it the query fails
   * with `EXCEEDED_TIME_LIMIT`, reported like any other failure.
   * @example 60
   */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  timeout?: number;

  /**
   * Trino session properties for this query, only those the operator lists in
   * `QUERY_SESSION_PROPERTIES_ALLOWED` (none by default); any other name is a 400 naming it.
   * Values are strings, numbers or booleans, as in `SET SESSION`.
   * @example {"query_max_stage_count": 50}
   */
  @ApiPropertyOptional({ type: 'object', additionalProperties: {} })
  @IsOptional()
  @IsObject()
  session?: Record<string, unknown>;
}

/** `POST /query`: a query, and whether to report Trino's progress while it runs. */
export class QueryRequestDto extends QueryBaseDto {
  /**
   * Adds `progress` events (Trino's state, processed rows and bytes, and the percentage when
   * Trino knows it) at most four times a second, before the first row and between pages.
   * Off by default, so existing clients see only the documented events.
   * @example false
   */
  @IsOptional()
  @IsBoolean()
  progress?: boolean;
}

/** `POST /query/download/{csv,json}`: a query plus the download's file name. */
export class DownloadRequestDto extends QueryBaseDto {
  /**
   * File name without extension.
   * @example "nations"
   */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/, {
    message:
      'filename must start with a letter or digit and use only letters, digits, ".", "_", "-" and spaces (at most 128)',
  })
  filename?: string;
}
