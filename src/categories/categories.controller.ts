import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CacheFamilies, SharedCache } from '../common/decorators/cache-policy.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { IdPipe } from '../common/pipes/id.pipe';
import { CategoriesService } from './categories.service';
import { CategoryListDto, CategoryResponseDto } from './dto/category-response.dto';
import { CreateCategoryDto } from './dto/create-category.dto';
import { UpdateCategoryDto } from './dto/update-category.dto';

@ApiTags('categories')
@ApiBearerAuth()
@ApiProblems(401, 429, 503)
// productCount depends on product writes; those bump 'categories' (products.service).
@CacheFamilies('categories')
@Controller('categories')
export class CategoriesController {
  constructor(private readonly categories: CategoriesService) {}

  @Get()
  @SharedCache()
  @ApiOperation({
    summary: 'Every category, parents before children, with product counts',
    operationId: 'listCategories',
  })
  list(): Promise<CategoryListDto> {
    return this.categories.list();
  }

  @Get(':id')
  @SharedCache()
  @ApiOperation({ summary: 'Get a category', operationId: 'getCategory' })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: number): Promise<CategoryResponseDto> {
    return this.categories.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a category (admin)', operationId: 'createCategory' })
  @ApiProblems(400, 403, 409, 422)
  create(@Body() dto: CreateCategoryDto): Promise<CategoryResponseDto> {
    return this.categories.create(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Rename, re-slug or move a category (admin); a rename keeps the slug',
    operationId: 'updateCategory',
  })
  @ApiProblems(400, 403, 404, 409, 422)
  update(
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateCategoryDto,
  ): Promise<CategoryResponseDto> {
    return this.categories.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a category without subcategories or products (admin)',
    operationId: 'deleteCategory',
  })
  @ApiProblems(400, 403, 404, 409)
  remove(@Param('id', IdPipe) id: number): Promise<void> {
    return this.categories.remove(id);
  }
}
