import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoCache } from '../common/decorators/cache-policy.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { IdPipe } from '../common/pipes/id.pipe';
import { CreateStockAdjustmentDto } from './dto/create-stock-adjustment.dto';
import { StockMovementPageDto, StockMovementResponseDto } from './dto/stock-movement-response.dto';
import { InventoryService } from './inventory.service';

@ApiTags('inventory')
@ApiBearerAuth()
@ApiProblems(401, 429, 503)
// An adjustment changes a product's stock: cached product reads go stale.
@Roles('admin')
@Controller('products/:id')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Post('stock-adjustments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Adjust a product stock by a delta, with a note (admin); answers the movement',
    operationId: 'createStockAdjustment',
  })
  @ApiProblems(400, 403, 404, 409)
  adjust(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Body() dto: CreateStockAdjustmentDto,
  ): Promise<StockMovementResponseDto> {
    return this.inventory.adjust(user.id, id, dto);
  }

  @Get('stock-movements')
  // The ledger is read rarely and must be exact: never from a cache.
  @NoCache()
  @ApiOperation({
    summary: 'The stock movements of a product, newest first (admin)',
    operationId: 'listStockMovements',
  })
  @ApiProblems(400, 403, 404)
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Query() query: PageQueryDto,
  ): Promise<StockMovementPageDto> {
    return this.inventory.list(user.id, id, query);
  }
}
