import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DomainError } from '../common/errors/domain-error';
import { SkipThrottle } from '@nestjs/throttler';
import { NoCache } from '../common/decorators/cache-policy.decorator';
import { ShutdownState } from '../shutdown/shutdown-state';
import { Public } from '../common/decorators/public.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { DependencyStatusDto, LivenessDto, ReadinessDto } from './dto/health.dto';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@ApiExtraModels(DependencyStatusDto)
@Public()
@SkipThrottle()
@NoCache()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers', operationId: 'health' })
  @ApiOkResponse({ type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: database (and Redis when configured) answer; 503 otherwise',
    operationId: 'ready',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblems(503)
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.draining) throw new DomainError('unavailable', 'Not ready: shutting down');
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 2000 }),
        ...(this.redis.configured ? [() => this.redis.check()] : []),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {}).join(', ') || 'a dependency';
      throw new DomainError('unavailable', `Not ready: ${down} is down`);
    }
  }
}
