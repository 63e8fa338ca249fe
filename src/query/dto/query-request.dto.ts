import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

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
