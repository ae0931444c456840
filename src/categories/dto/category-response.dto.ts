import { ApiProperty } from '@nestjs/swagger';
import { Category } from '../entities/category.entity';

/** What a product answers with for each of its categories. */
export class CategoryRefDto {
  @ApiProperty({ type: 'integer', example: 3 }) id: number;
  @ApiProperty({ example: 'Coffee beans' }) name: string;
  @ApiProperty({ example: 'coffee-beans' }) slug: string;

  static from(c: Category): CategoryRefDto {
    return { id: c.id, name: c.name, slug: c.slug };
  }
}

export class CategoryResponseDto {
  @ApiProperty({ type: 'integer', example: 3 }) id: number;
  @ApiProperty({ example: 'Coffee beans' }) name: string;
  @ApiProperty({ example: 'coffee-beans' }) slug: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 1 }) parentId: number | null;
  /** Products (not deleted) in this category or any of its descendants, each counted once. */
  @ApiProperty({ type: 'integer', example: 12 }) productCount: number;

  static from(c: Category, productCount: number): CategoryResponseDto {
    return { id: c.id, name: c.name, slug: c.slug, parentId: c.parentId, productCount };
  }
}

export class CategoryListDto {
  /** Every category, parents before their children. */
  @ApiProperty({ type: [CategoryResponseDto] }) data: CategoryResponseDto[];
}
