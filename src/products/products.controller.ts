import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SharedCache } from '../common/decorators/cache-policy.decorator';
import { CacheTags } from '../http-cache/cache-tags';
import { Roles } from '../common/decorators/roles.decorator';
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

  @Get()
  // The list's members and order, the in-stock set, and each product it shows.
  @SharedCache((page: ProductPageDto) => [
    CacheTags.productSet,
    CacheTags.inStockSet,
    ...page.data.map((p) => CacheTags.product(p.id)),
  ])
  @ApiOperation({
    summary: 'List products (paginated, filtered, sorted)',
    operationId: 'listProducts',
  })
  @ApiProblems(400)
  list(@Query() query: ProductQueryDto): Promise<ProductPageDto> {
    return this.products.list(query);
  }

  @Get(':id')
  @SharedCache((p: ProductResponseDto) => [CacheTags.product(p.id)])
  @ApiOperation({ summary: 'Get a product', operationId: 'getProduct' })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: number): Promise<ProductResponseDto> {
    return this.products.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a product (admin)', operationId: 'createProduct' })
  @ApiProblems(400, 403, 409)
  create(@Body() dto: CreateProductDto): Promise<ProductResponseDto> {
    return this.products.create(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Update a product (admin)', operationId: 'updateProduct' })
  @ApiProblems(400, 403, 404, 409)
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
