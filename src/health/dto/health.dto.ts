import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
}

export class DependencyStatusDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' }) status: 'up' | 'down';
  @ApiProperty({ required: false, example: 'Redis is not answering' }) message?: string;
}

const DEPENDENCY = { $ref: '#/components/schemas/DependencyStatusDto' };
const UP = { database: { status: 'up' }, redis: { status: 'up' } };

/** Terminus' health-check result, as /health/ready answers it when everything is up. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
  /** The dependencies that are up. */
  @ApiProperty({ type: Object, additionalProperties: DEPENDENCY, required: false, example: UP })
  info?: Record<string, DependencyStatusDto>;
  /** The dependencies that are down (empty when ready). */
  @ApiProperty({ type: Object, additionalProperties: DEPENDENCY, required: false, example: {} })
  error?: Record<string, DependencyStatusDto>;
  /** Every dependency checked. */
  @ApiProperty({ type: Object, additionalProperties: DEPENDENCY, required: false, example: UP })
  details?: Record<string, DependencyStatusDto>;
}
