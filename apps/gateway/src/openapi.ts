import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Every route of the gateway is under /api (the console has the rest). */
export const API_PREFIX = 'api';

/** The OpenAPI document of the gateway's routes: served at /api/docs, and the console's types (scripts/api-client.mjs). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hallwatch')
    .setDescription('Service-window presence, incidents and efficiency statistics')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}
