import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { InventoryModule } from '../inventory/inventory.module';
import { OrderItem } from './entities/order-item.entity';
import { Order } from './entities/order.entity';
import { OrderPlacementService } from './order-placement.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem]), IdempotencyModule, InventoryModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderPlacementService],
  exports: [OrderPlacementService],
})
export class OrdersModule {}
