import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemDto } from './common/openapi/api-problems.decorator';
import { addRateLimitAndCacheHeaders } from './common/openapi/rate-limit-headers';

/** Built once; main.ts serves it and scripts/export-openapi.ts writes swagger.yaml. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Storefront API')
    .setDescription(
      'E-commerce REST API: catalog, carts, orders; administration of customers, accounts and stock. ' +
        'Errors are RFC 9457 application/problem+json. Money is a string with two decimals.',
    )
    .setVersion('1.0.0')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDto],
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  return addRateLimitAndCacheHeaders(document);
}
