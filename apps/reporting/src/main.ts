import { ServiceContext, startMicroservice } from '@hallwatch/runtime';
import { ReportingModule } from './reporting.module';

export function startReporting(ctx: ServiceContext) {
  return startMicroservice('reporting', ReportingModule.register(ctx), ctx);
}
