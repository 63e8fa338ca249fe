import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One indicator's state; an indicator that is down adds a `message`. */
export class HealthIndicatorStateDto {
  /** @example "up" */
  status!: string;
  /** Why the indicator is down. @example "Trino is still starting" */
  message?: string;
}

const BY_INDICATOR = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorStateDto) },
} as const;

/**
 * Terminus' body for `/health/live` and `/health/ready`, as a named schema: Terminus documents
 * it inline, which generated clients turn into one anonymous type per route and status.
 */
export class HealthCheckResultDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: 'ok' | 'error' | 'shutting_down';
  /** Indicators that are up, by name. */
  @ApiPropertyOptional({ ...BY_INDICATOR, nullable: true })
  info?: Record<string, HealthIndicatorStateDto> | null;
  /** Indicators that are down, by name. */
  @ApiPropertyOptional({ ...BY_INDICATOR, nullable: true })
  error?: Record<string, HealthIndicatorStateDto> | null;
  /** Every indicator, by name. */
  @ApiProperty(BY_INDICATOR)
  details!: Record<string, HealthIndicatorStateDto>;
}
