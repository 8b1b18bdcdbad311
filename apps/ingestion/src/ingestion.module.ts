import { DynamicModule, Module } from '@nestjs/common';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';

@Module({})
export class IngestionModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: IngestionModule,
      imports: [serviceCoreModule('ingestion', ctx)],
    };
  }
}
