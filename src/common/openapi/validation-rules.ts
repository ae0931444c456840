import { Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA, RouteParamtypes } from '../../fences/nest.fence';
import { DECORATORS, OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import type { ValidationMetadata } from '../../fences/class-validator.fence';

/** The DTO classes an operation validates its body and its query with. */
export interface DtoRoute {
  operationId: string;
  body?: Type<unknown>;
  query?: Type<unknown>;
}

/**
 * Each handler's @Body() and @Query() classes, keyed by the operationId the document gives
 * it (ApiOperation's, else the method name: see operationIdFactory in src/openapi.ts).
 */
export function dtoRoutes(controllers: Type<unknown>[]): DtoRoute[] {
  const routes: DtoRoute[] = [];
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      const handler = Object.getOwnPropertyDescriptor(proto, method)?.value as unknown;
      if (typeof handler !== 'function' || method === 'constructor') continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', proto, method) ?? []) as Type[];
      const route: DtoRoute = {
        operationId:
          (Reflect.getMetadata(DECORATORS.API_OPERATION, handler) as { operationId?: string })
            ?.operationId ?? method,
      };
      for (const [key, arg] of Object.entries(args)) {
        // A whole-object @Body()/@Query() (no property name) is validated as its class.
        if (arg.data !== undefined || !isDto(types[arg.index])) continue;
        const kind = Number(key.split(':')[0]);
        if (kind === Number(RouteParamtypes.BODY)) route.body = types[arg.index];
        if (kind === Number(RouteParamtypes.QUERY)) route.query = types[arg.index];
      }
      if (route.body || route.query) routes.push(route);
    }
  }
  return routes;
}

function isDto(type: unknown): type is Type<unknown> {
  const builtIn: unknown[] = [Object, String, Number, Boolean, Array];
  return typeof type === 'function' && !builtIn.includes(type);
}

type Rule = (schema: SchemaObject, constraints: unknown[]) => void;
const tighter = (current: number | undefined, next: number) =>
  current === undefined ? next : Math.min(current, next);

/**
 * How each class-validator rule reads in JSON Schema. A validator missing here (IsMoney, the
 * query dates) publishes its own form through its ApiProperty; test/openapi-document.e2e-spec.ts
 * checks the result against the server either way.
 */
const RULES: Record<string, Rule> = {
  isInt: (s) => (s.type = 'integer'),
  isString: (s) => (s.type = 'string'),
  isBoolean: (s) => (s.type = 'boolean'),
  isArray: (s) => (s.type = 'array'),
  min: (s, [n]) => (s.minimum = n as number),
  max: (s, [n]) => (s.maximum = n as number),
  arrayMinSize: (s, [n]) => (s.minItems = n as number),
  arrayMaxSize: (s, [n]) => (s.maxItems = n as number),
  isLength: (s, [min, max]) => {
    s.minLength = Math.max(s.minLength ?? 0, min as number);
    if (typeof max === 'number') s.maxLength = tighter(s.maxLength, max);
  },
  minLength: (s, [n]) => (s.minLength = Math.max(s.minLength ?? 0, n as number)),
  maxLength: (s, [n]) => (s.maxLength = tighter(s.maxLength, n as number)),
  // A character is at least one UTF-8 byte: the tightest limit JSON Schema can state.
  maxBytes: (s, [n]) => (s.maxLength = tighter(s.maxLength, n as number)),
  matches: (s, [pattern, modifiers]) => {
    const re = typeof pattern === 'string' ? new RegExp(pattern, modifiers as string) : pattern;
    if (!(re instanceof RegExp) || re.flags.replace('u', '') !== '')
      throw new Error(`@Matches(${String(re)}): JSON Schema patterns have no flags`);
    s.pattern = re.source;
  },
  isIn: (s, [values]) => (s.enum = [...(values as unknown[])]),
  isEnum: (s, [entity]) => (s.enum = Object.values(entity as object) as unknown[]),
  isEmail: (s) => (s.format = 'email'),
};

interface PropertyRules {
  apply(schema: SchemaObject): void;
  /** The server removes surrounding white space before it validates (a trim @Transform). */
  trimmed: boolean;
  required: boolean;
  nullable: boolean;
  /** The class nested objects are validated as (@ValidateNested with @Type). */
  nested?: Type<unknown>;
}

/** A class's rules per property, as class-validator applies them on the server. */
export function propertyRules(cls: Type<unknown>): Map<string, PropertyRules> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metas)
    byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  const probes = contexts(metas);
  const out = new Map<string, PropertyRules>();
  for (const [property, rules] of byProperty) {
    out.set(property, {
      apply: (schema) => {
        // class-validator runs them bottom-up; order matters only for limits, which tighten.
        for (const m of rules) {
          const rule = m.type === 'customValidation' && m.name ? RULES[m.name] : undefined;
          if (!rule) continue;
          const items = schema.items as SchemaObject | undefined;
          rule(m.each && items && !('$ref' in items) ? items : schema, [
            ...((m.constraints as unknown[] | undefined) ?? []),
          ]);
        }
      },
      // Required when leaving it out fails whatever the other fields say; nullable when
      // null passes for some of them (CreateAccountDto.customerId: an admin's may be null).
      trimmed: trims(cls, property),
      required: probes.every((p) => !passes(cls, p, property, undefined)),
      nullable: probes.some((p) => passes(cls, p, property, null)),
      nested: rules.some((m) => m.type === 'nestedValidation')
        ? nestedClass(cls, property)
        : undefined,
    });
  }
  return out;
}

/**
 * The other fields' settings a rule may depend on (a ValidateIf reads them): none, and each
 * allowed value of every enumerated field.
 */
function contexts(metas: ValidationMetadata[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{}];
  for (const m of metas) {
    if (m.type !== 'customValidation' || (m.name !== 'isIn' && m.name !== 'isEnum')) continue;
    const [values] = m.constraints as [unknown];
    const list: unknown[] =
      m.name === 'isIn' ? (values as unknown[]) : (Object.values(values as object) as unknown[]);
    for (const v of list) out.push({ [m.propertyName]: v });
  }
  return out;
}

function passes(cls: Type<unknown>, context: object, property: string, value: unknown): boolean {
  const instance = Object.assign(new cls() as object, context) as Record<string, unknown>;
  if (value === undefined) delete instance[property];
  else instance[property] = value;
  return !validateSync(instance, { forbidUnknownValues: false }).some(
    (e) => e.property === property,
  );
}

function trims(cls: Type<unknown>, property: string): boolean {
  const out = plainToInstance(cls, { [property]: ' x ' }) as Record<string, unknown>;
  return out[property] === 'x';
}

/** What class-transformer makes of a nested object: the class the server validates it as. */
function nestedClass(cls: Type<unknown>, property: string): Type<unknown> | undefined {
  for (const value of [[{}], {}]) {
    const out = plainToInstance(cls, { [property]: value }) as Record<string, unknown>;
    const got = out[property];
    const element: unknown = Array.isArray(got) ? got[0] : got;
    const ctor = (element as object | undefined)?.constructor;
    if (isDto(ctor)) return ctor;
  }
  return undefined;
}

/**
 * Publishes what the server enforces on request bodies and queries, from the DTOs'
 * class-validator rules (the one source of truth): types, limits, patterns, enums, required,
 * nullable, and `additionalProperties: false` on every body object (the pipe's
 * forbidNonWhitelisted refuses unknown fields, nested ones too).
 */
export function publishValidationRules(document: OpenAPIObject, routes: DtoRoute[]): void {
  const byId = new Map(routes.map((r) => [r.operationId, r]));
  const done = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.put, item.post, item.delete, item.patch]) {
      const route = op?.operationId ? byId.get(op.operationId) : undefined;
      if (!op || !route) continue;
      if (route.body) publishBody(document, route.body, done);
      if (route.query) {
        const rules = propertyRules(route.query);
        for (const p of (op.parameters ?? []) as ParameterObject[]) {
          const r = p.in === 'query' ? rules.get(p.name) : undefined;
          if (!r) continue;
          const schema = (p.schema ?? {}) as SchemaObject;
          r.apply(schema);
          p.schema = schema;
          p.required = r.required;
        }
      }
    }
  }
}

/** No white space at either end (nor only white space). */
const CANONICAL_TEXT = '^\\S(?:[\\s\\S]*\\S)?$';

function publishBody(document: OpenAPIObject, cls: Type<unknown>, done: Set<string>): void {
  if (done.has(cls.name)) return;
  done.add(cls.name);
  const schema = document.components?.schemas?.[cls.name] as SchemaObject | undefined;
  if (!schema) return;
  schema.type = 'object';
  schema.additionalProperties = false;
  const required = new Set<string>();
  for (const [property, r] of propertyRules(cls)) {
    const prop = schema.properties?.[property] as SchemaObject | undefined;
    // Without the Swagger CLI plugin (ts-jest) undecorated properties are not in the document.
    if (!prop) continue;
    r.apply(prop);
    // The document states the canonical form, which the server's trimming would produce.
    if (r.trimmed && prop.type === 'string' && !prop.pattern && !prop.format)
      prop.pattern = CANONICAL_TEXT;
    if (r.nullable) {
      prop.nullable = true;
      // OpenAPI 3.0.3: `nullable` does not widen an enum; null must be one of its values.
      const values = prop.enum as unknown[] | undefined;
      if (values && !values.includes(null)) prop.enum = [...values, null];
    } else delete prop.nullable;
    if (r.required) required.add(property);
    if (r.nested) publishBody(document, r.nested, done);
  }
  const names = Object.keys(schema.properties ?? {}).filter((p) => required.has(p));
  if (names.length > 0) schema.required = names;
  else delete schema.required;
  // What a DTO checks across its fields (class-validator has no schema for it), said by the DTO.
  const own = (cls as { openApiSchema?: SchemaObject }).openApiSchema;
  for (const [field, value] of Object.entries(own ?? {})) {
    (schema as Record<string, unknown>)[field] = value;
  }
}
