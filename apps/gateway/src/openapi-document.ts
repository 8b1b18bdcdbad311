import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ServiceContext } from '@hallwatch/runtime';
import { GatewayModule } from './gateway.module';
import { API_PREFIX, openApiDocument } from './openapi';

/**
 * The gateway's OpenAPI document without a running gateway: the modules are only read (Nest's
 * preview mode instantiates no provider), so neither NATS nor a database is needed.
 */
export async function previewOpenApiDocument(): Promise<OpenAPIObject> {
  // Preview mode creates no provider, so nothing reads the context.
  const app = await NestFactory.create(GatewayModule.register({} as ServiceContext), { preview: true, logger: false });
  app.setGlobalPrefix(API_PREFIX);
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

// Run by scripts/api-client.mjs: the document as JSON on stdout.
if (require.main === module) {
  void previewOpenApiDocument().then((doc) => process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`));
}
