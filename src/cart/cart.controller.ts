import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PerUserCache } from '../common/decorators/cache-policy.decorator';
import { CacheTags } from '../http-cache/cache-tags';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { ApiIdempotencyKey, IdempotencyKeyHeader } from '../idempotency/idempotency-key.decorator';
import { replyIdempotent } from '../idempotency/reply';
import { OrderResponseDto } from '../orders/dto/order-response.dto';
import { CartService } from './cart.service';
import { CartResponseDto } from './dto/cart-response.dto';
import { CheckoutDto } from './dto/checkout.dto';
import { SetCartItemDto } from './dto/set-cart-item.dto';

/** The signed-in customer's cart. Administrators have no cart (403). */
@ApiTags('cart')
@ApiBearerAuth()
@Roles('customer')
@ApiProblems(401, 403, 429, 503)
@Controller('cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  // Lines show current prices and stock: a write to one of its products makes it stale too.
  @PerUserCache((cart: CartResponseDto, user) => [
    CacheTags.cart(user?.customerId ?? 0),
    ...cart.items.map((i) => CacheTags.product(i.productId)),
  ])
  @ApiOperation({
    summary: 'The cart at current prices, each line marked available or not',
    operationId: 'getCart',
  })
  get(@CurrentUser() user: AuthUser): Promise<CartResponseDto> {
    return this.cart.get(user);
  }

  @Put('items/:productId')
  @ApiOperation({
    summary:
      'Set the quantity of a product in the cart (0 removes it; at most 50 products, a 51st is 422); returns the cart',
    operationId: 'setCartItem',
  })
  @ApiProblems(400, 404, 409, 422)
  setItem(
    @CurrentUser() user: AuthUser,
    @Param('productId', IdPipe) productId: number,
    @Body() dto: SetCartItemDto,
  ): Promise<CartResponseDto> {
    return this.cart.setItem(user, productId, dto.quantity);
  }

  @Delete('items/:productId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a product from the cart (404 when it is not in the cart)',
    operationId: 'removeCartItem',
  })
  @ApiProblems(400, 404)
  removeItem(
    @CurrentUser() user: AuthUser,
    @Param('productId', IdPipe) productId: number,
  ): Promise<void> {
    return this.cart.removeItem(user, productId);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Empty the cart', operationId: 'clearCart' })
  clear(@CurrentUser() user: AuthUser): Promise<void> {
    return this.cart.clear(user);
  }

  @Post('checkout')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Place an order from the cart and empty it, in one transaction (optionally shipping to an address)',
    operationId: 'checkoutCart',
  })
  @ApiBody({ type: CheckoutDto, required: false })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 201, type: OrderResponseDto })
  @ApiProblems(400, 404, 409, 422)
  async checkout(
    @CurrentUser() user: AuthUser,
    @Body() dto: CheckoutDto,
    @IdempotencyKeyHeader() key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponseDto> {
    return replyIdempotent<OrderResponseDto>(reply, await this.cart.checkout(user, key, dto));
  }
}
