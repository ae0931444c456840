import { Global, Module } from '@nestjs/common';
import { ListCountersService } from './list-counters.service';

@Global()
@Module({ providers: [ListCountersService], exports: [ListCountersService] })
export class CountersModule {}
