import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config';
import { validateEnv } from '../config/env.validation';
import { buildTypeOrmOptions } from './typeorm-options';

// Used by the TypeORM CLI (npm run migration:run / migration:revert).
validateEnv(process.env);
export default new DataSource({ ...buildTypeOrmOptions(databaseConfig()), migrationsRun: false });
