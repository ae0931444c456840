import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PerUserCache, SharedCache } from '../common/decorators/cache-policy.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { QueryRoles, Roles } from '../common/decorators/roles.decorator';
import { CacheTags } from '../http-cache/cache-tags';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto } from './dto/product-query.dto';
import { ProductPageDto, ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@ApiBearerAuth()
@ApiProblems(401, 429, 503)
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  // Cached per caller, not shared: the page's nextCursor is bound to who asked.
  @Get()
  // The list's members and order, the in-stock set, and each product it shows.
  // A stock threshold (stockBelow) moves with every stock change.
  @PerUserCache((page: ProductPageDto, _user, query) => [
    CacheTags.allProducts,
    CacheTags.productSet,
    CacheTags.inStockSet,
    ...(query.stockBelow !== undefined ? [CacheTags.anyStock] : []),
    ...page.data.map((p) => CacheTags.product(p.id)),
  ])
  @ApiOperation({
    summary: 'List products (paginated, filtered, sorted)',
    operationId: 'listProducts',
  })
  @QueryRoles({ stockBelow: ['admin'] })
  @ApiProblems(400, 403, 404)
  list(@CurrentUser() user: AuthUser, @Query() query: ProductQueryDto): Promise<ProductPageDto> {
    return this.products.list(user, query);
  }

  @Get(':id')
  @SharedCache((p: ProductResponseDto) => [CacheTags.allProducts, CacheTags.product(p.id)])
  @ApiOperation({ summary: 'Get a product', operationId: 'getProduct' })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: number): Promise<ProductResponseDto> {
    return this.products.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a product (admin)', operationId: 'createProduct' })
  @ApiProblems(400, 403, 409, 422)
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateProductDto,
  ): Promise<ProductResponseDto> {
    return this.products.create(user.id, dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Update a product (admin)', operationId: 'updateProduct' })
  @ApiProblems(400, 403, 404, 409, 422)
  update(
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateProductDto,
  ): Promise<ProductResponseDto> {
    return this.products.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a product (admin); existing orders keep their copy',
    operationId: 'deleteProduct',
  })
  @ApiProblems(400, 403, 404)
  remove(@Param('id', IdPipe) id: number): Promise<void> {
    return this.products.remove(id);
  }
}
