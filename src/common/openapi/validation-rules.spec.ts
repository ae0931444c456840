import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOperation, OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { dtoRoutes, publishValidationRules } from './validation-rules';

class LineDto {
  @IsInt() @Min(1) quantity: number;
}

class ThingDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 20)
  name: string;

  @IsOptional() @IsString() @Matches(/^[a-z]+$/) note?: string;

  @IsOptional() @IsIn(['a', 'b']) kind?: 'a' | 'b';

  // Required unless kind is `b`, which may also send null.
  @ValidateIf((o: ThingDto) => o.kind !== 'b' || (o.ownerId !== undefined && o.ownerId !== null))
  @IsInt()
  ownerId?: number | null;

  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines: LineDto[];
}

class ThingQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(9) page?: number;
}

@Controller('things')
class ThingsController {
  @Post()
  @ApiOperation({ operationId: 'createThing' })
  create(@Body() dto: ThingDto) {
    return dto;
  }

  @Get()
  list(@Query() query: ThingQueryDto) {
    return query;
  }
}

/** What @nestjs/swagger publishes for these classes without the CLI plugin's types. */
function document(): OpenAPIObject {
  const prop = (): SchemaObject => ({ type: 'number' });
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things': {
        post: {
          operationId: 'createThing',
          requestBody: {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } },
          },
          responses: {},
        },
        get: {
          operationId: 'list',
          parameters: [{ name: 'page', in: 'query', required: true, schema: { type: 'number' } }],
          responses: {},
        },
      },
    },
    components: {
      schemas: {
        ThingDto: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            note: { type: 'string' },
            kind: { type: 'string' },
            ownerId: prop(),
            lines: { type: 'array', items: { $ref: '#/components/schemas/LineDto' } },
          },
        },
        LineDto: { type: 'object', properties: { quantity: prop() } },
      },
    },
  };
}

describe('publishValidationRules (the DTOs rules in the document)', () => {
  const doc = document();
  publishValidationRules(doc, dtoRoutes([ThingsController]));
  const schemas = doc.components?.schemas as Record<string, SchemaObject>;
  const thing = schemas.ThingDto;
  const props = thing.properties as Record<string, SchemaObject>;

  it('finds the body and query classes of each operation', () => {
    expect(dtoRoutes([ThingsController])).toEqual([
      { operationId: 'createThing', body: ThingDto },
      { operationId: 'list', query: ThingQueryDto },
    ]);
  });

  it('refuses unknown fields on the body and on nested objects', () => {
    expect(thing.additionalProperties).toBe(false);
    expect(schemas.LineDto.additionalProperties).toBe(false);
  });

  it('publishes integers, limits, array sizes, patterns and enums', () => {
    expect(schemas.LineDto.properties?.quantity).toEqual({ type: 'integer', minimum: 1 });
    expect(props.lines).toMatchObject({ type: 'array', minItems: 1, maxItems: 5 });
    expect(props.note).toMatchObject({ type: 'string', pattern: '^[a-z]+$' });
    expect(props.kind.enum).toEqual(['a', 'b', null]);
  });

  it('states trimmed text in its canonical form', () => {
    expect(props.name).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 20,
      pattern: '^\\S(?:[\\s\\S]*\\S)?$',
    });
  });

  it('derives required and nullable from what the validation lets through', () => {
    expect(thing.required).toEqual(['name', 'lines']);
    expect(props.note.nullable).toBe(true);
    expect(props.kind.nullable).toBe(true);
    // null passes only when kind is `b`: nullable, and not required for everyone.
    expect(props.ownerId).toMatchObject({ type: 'integer', nullable: true });
    expect(props.name.nullable).toBeUndefined();
  });

  it('publishes query rules on the parameters', () => {
    const [page] = doc.paths['/things'].get?.parameters as ParameterObject[];
    expect(page).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 9 },
    });
  });
});
