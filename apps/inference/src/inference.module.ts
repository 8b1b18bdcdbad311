import { DynamicModule, Module } from '@nestjs/common';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';

@Module({})
export class InferenceModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: InferenceModule,
      imports: [serviceCoreModule('inference', ctx)],
    };
  }
}
