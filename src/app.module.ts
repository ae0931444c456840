import { Module } from '@nestjs/common';
import { globalFilterProviders } from './app.pipeline';
import { AccountsModule } from './accounts/accounts.module';
import { AddressesModule } from './addresses/addresses.module';
import { AuthModule } from './auth/auth.module';
import { CartModule } from './cart/cart.module';
import { CategoriesModule } from './categories/categories.module';
import { AppCacheModule } from './http-cache/app-cache.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { AppConfigModule } from './config/config.module';
import { CustomersModule } from './customers/customers.module';
import { CountersModule } from './counters/counters.module';
import { PaginationModule } from './common/pagination/pagination.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { InventoryModule } from './inventory/inventory.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';

@Module({
  imports: [
    AppConfigModule,
    DatabaseModule,
    PaginationModule,
    CountersModule,
    AppCacheModule,
    AuthModule,
    RateLimitModule,
    CustomersModule,
    AccountsModule,
    CategoriesModule,
    InventoryModule,
    ProductsModule,
    IdempotencyModule,
    OrdersModule,
    CartModule,
    AddressesModule,
    HealthModule,
  ],
  // The global pipeline is listed in app.pipeline.ts.
  providers: globalFilterProviders(),
})
export class AppModule {}
