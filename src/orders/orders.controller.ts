import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CacheFamilies } from '../common/decorators/cache-policy.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { ApiIdempotencyKey, IdempotencyKeyHeader } from '../idempotency/idempotency-key.decorator';
import { replyIdempotent } from '../idempotency/reply';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderQueryDto } from './dto/order-query.dto';
import { OrderPageDto, OrderResponseDto } from './dto/order-response.dto';
import { UpdateOrderStatusDto } from './dto/update-order-status.dto';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@ApiBearerAuth()
@ApiProblems(401, 429, 503)
// Reads are cached per account (the default policy): another customer's order is a 404
// computed for that customer, never a cached copy. Writes that move stock also bump products.
@CacheFamilies('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @CacheFamilies('orders', 'products')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Place an order (a customer for itself; an administrator names customerId). Takes stock atomically.',
    operationId: 'createOrder',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: OrderResponseDto })
  @ApiProblems(400, 403, 409, 422)
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateOrderDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponseDto> {
    return replyIdempotent<OrderResponseDto>(reply, await this.orders.create(user, dto, key));
  }

  @Get()
  // An order answer embeds its customer's name and e-mail: a customer write makes it stale.
  @CacheFamilies('orders', 'customers')
  @ApiOperation({
    summary: 'List orders, newest first (customers: their own; administrators: all, filtered)',
    operationId: 'listOrders',
  })
  @ApiProblems(400, 403)
  list(@CurrentUser() user: AuthUser, @Query() query: OrderQueryDto): Promise<OrderPageDto> {
    return this.orders.list(user, query);
  }

  @Get(':id')
  @CacheFamilies('orders', 'customers')
  @ApiOperation({ summary: 'Get an order (customers: only their own)', operationId: 'getOrder' })
  @ApiProblems(400, 404)
  get(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<OrderResponseDto> {
    return this.orders.get(user, id);
  }

  @Patch(':id/status')
  @CacheFamilies('orders', 'products')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Move an order along pending -> paid -> shipped -> delivered, or cancel it from pending/paid (admin)',
    operationId: 'updateOrderStatus',
  })
  @ApiProblems(400, 403, 404, 409)
  changeStatus(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateOrderStatusDto,
  ): Promise<OrderResponseDto> {
    return this.orders.changeStatus(user, id, dto.status);
  }

  @Post(':id/cancel')
  @CacheFamilies('orders', 'products')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel an order and put its stock back (owner while pending; administrator while pending or paid)',
    operationId: 'cancelOrder',
  })
  @ApiProblems(400, 404, 409)
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
  ): Promise<OrderResponseDto> {
    return this.orders.cancel(user, id);
  }
}
