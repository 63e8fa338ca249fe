import { Controller, Get, Injectable } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { TrinoHealthIndicator } from './trino.health';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { HealthCheckResultDto, HealthIndicatorStateDto } from './health-check-result.dto';
import { StatusDto } from './status.dto';

/** Terminus documents its body inline; the named HealthCheckResultDto replaces that. */
const OWN_DOCS = { noCache: true, swaggerDocumentation: false };

const STATUS: StatusDto = { status: 'healthy', service: 'trino-stream' };

/** Fails readiness from the moment SIGTERM arrives, so the load balancer stops sending. */
@Injectable()
export class ShutdownIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly lifecycle: LifecycleService,
  ) {}

  check(): HealthIndicatorResult {
    const indicator = this.health.check('shutdown');
    return this.lifecycle.isShuttingDown
      ? indicator.down({ message: 'shutting down' })
      : indicator.up();
  }
}

/** Process status (no Trino dependency, so a Trino outage never restarts pods) and probes. */
@ApiTags('health')
@ApiExtraModels(HealthIndicatorStateDto)
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly trino: TrinoHealthIndicator,
    private readonly shutdown: ShutdownIndicator,
  ) {}

  /** Root status: the process is up. */
  @Get()
  @ApiOkResponse({ type: StatusDto })
  root(): StatusDto {
    return STATUS;
  }

  /** Process status for probes that only need to know the process answers. */
  @Get('health')
  @ApiOkResponse({ type: StatusDto })
  status(): StatusDto {
    return STATUS;
  }

  /** Liveness: the event loop answers. */
  @Get('health/live')
  @HealthCheck(OWN_DOCS)
  @ApiOkResponse({ description: 'The process answers', type: HealthCheckResultDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: Trino is up and the service is not shutting down. */
  @Get('health/ready')
  @HealthCheck(OWN_DOCS)
  @ApiOkResponse({ description: 'Ready for queries', type: HealthCheckResultDto })
  @ApiServiceUnavailableResponse({
    description: 'Trino unreachable or still starting, or the service is shutting down',
    type: HealthCheckResultDto,
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.shutdown.check(), () => this.trino.check()]);
  }
}
