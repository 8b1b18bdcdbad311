import { ServiceContext, startMicroservice } from '@hallwatch/runtime';
import { REPORTING_SCHEMAS } from './migrations';
import { ReportingModule } from './reporting.module';

export function startReporting(ctx: ServiceContext) {
  return startMicroservice('reporting', ReportingModule.register(ctx), ctx, REPORTING_SCHEMAS);
}
