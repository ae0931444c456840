import { ApiProperty } from '@nestjs/swagger';
import { CategoryRefDto } from '../../categories/dto/category-response.dto';
import { formatCents } from '../../common/money/money';
import { PageDto } from '../../common/pagination/page.dto';
import { Product } from '../entities/product.entity';

export class ProductResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'Dark roast' }) description: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'BEAN-1KG' }) sku: string | null;
  @ApiProperty({ example: '19.99', pattern: '^\\d+\\.\\d{2}$' }) price: string;
  @ApiProperty({ type: 'integer', example: 25 }) stock: number;
  @ApiProperty({ type: [CategoryRefDto] }) categories: CategoryRefDto[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(p: Product, categories: CategoryRefDto[] = []): ProductResponseDto {
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      sku: p.sku,
      price: formatCents(p.priceCents),
      stock: p.stock,
      categories,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }
}

export class ProductPageDto extends PageDto(ProductResponseDto, 'ProductPageDto') {}
