import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBooleanString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** The JWT_SECRET line of .env.example: copied as is, it is a secret everybody knows. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-at-least-32-random-bytes';
/** A random secret of 32 or more characters has far more distinct ones than this. */
const MIN_DISTINCT_SECRET_CHARS = 16;

/** Why a production JWT_SECRET is unfit, or undefined when it will do. */
export function weakJwtSecret(secret: string): string | undefined {
  if (secret === EXAMPLE_JWT_SECRET) return 'is the .env.example placeholder';
  if (new Set(secret).size < MIN_DISTINCT_SECRET_CHARS)
    return `is plainly not random (fewer than ${MIN_DISTINCT_SECRET_CHARS} distinct characters)`;
  return undefined;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** Every environment variable the service reads; defaults live in the config namespaces. */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional()
  @Matches(/^(mysql|mariadb):\/\/.+|^sqlite:.+/, {
    message:
      'DATABASE_URL must be mysql://user:pass@host:3306/db, sqlite:<path> or sqlite::memory:',
  })
  DATABASE_URL?: string;
  @IsOptional() @IsBooleanString() DATABASE_MIGRATIONS_RUN?: string;
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:{}-]{1,64}$/, {
    message: 'REDIS_KEY_PREFIX must be 1-64 characters of A-Z a-z 0-9 . _ : { } -',
  })
  REDIS_KEY_PREFIX?: string;
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 bytes long' })
  JWT_SECRET?: string;
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'CURSOR_SECRET must be at least 32 bytes long' })
  CURSOR_SECRET?: string;
  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'JWT_EXPIRES_IN must be a duration such as 900, 15m, 1h' })
  JWT_EXPIRES_IN?: string;
  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'REFRESH_TOKEN_TTL must be a duration such as 7d' })
  REFRESH_TOKEN_TTL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) THROTTLE_LIMIT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) THROTTLE_TTL?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(4) @Max(15) BCRYPT_COST?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_THROTTLE_LIMIT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_THROTTLE_TTL?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) CACHE_TTL?: number;
  @IsOptional() @Matches(/^[a-zA-Z0-9._-]{3,64}$/) ADMIN_USERNAME?: string;
  @IsOptional() @IsString() @MinLength(8) ADMIN_PASSWORD?: string;
  @IsOptional() @IsBooleanString() TRUST_PROXY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) REQUEST_TIMEOUT?: number;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'silent']) LOG_LEVEL?: string;
  // Seconds; the cap catches milliseconds given by mistake (5000 would be 83 minutes).
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(300) SHUTDOWN_DRAIN?: number;
}

/**
 * Validates the environment once at start. A bad value stops the start with one line
 * naming the variable, rather than surfacing later as an odd runtime failure.
 */
export function validateEnv(raw: Record<string, unknown>): Record<string, unknown> {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  if (env.NODE_ENV === 'production') {
    if (!env.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production');
    else {
      const weak = weakJwtSecret(env.JWT_SECRET);
      if (weak) problems.push(`JWT_SECRET: ${weak}; use e.g. openssl rand -base64 48`);
    }
    if (env.BCRYPT_COST !== undefined && env.BCRYPT_COST < 10)
      problems.push('BCRYPT_COST: must be at least 10 in production');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return { ...raw, ...env };
}
