import { DynamicModule, Module } from '@nestjs/common';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';

@Module({})
export class ReportingModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: ReportingModule,
      imports: [serviceCoreModule('reporting', ctx)],
    };
  }
}
