import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('categories')
export class Category {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 200, unique: true }) slug: string;
  @Column({ type: 'integer', nullable: true }) parentId: number | null;
  @CreateDateColumn({ type: 'datetime', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ type: 'datetime', precision: 3 }) updatedAt: Date;
}

/** One row per (ancestor, descendant) pair; each category is its own ancestor at depth 0. */
@Entity('category_closure')
export class CategoryClosure {
  @PrimaryColumn({ type: 'integer' }) ancestorId: number;
  @PrimaryColumn({ type: 'integer' }) descendantId: number;
  @Column({ type: 'integer' }) depth: number;
}

/** A product's direct categories (what it answers with); descendants come from the closure. */
@Entity('product_categories')
export class ProductCategory {
  @PrimaryColumn({ type: 'integer' }) productId: number;
  @PrimaryColumn({ type: 'integer' }) categoryId: number;
}
