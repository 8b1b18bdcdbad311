import { ServiceContext, startMicroservice } from '@hallwatch/runtime';
import { IngestionModule } from './ingestion.module';

export function startIngestion(ctx: ServiceContext) {
  return startMicroservice('ingestion', IngestionModule.register(ctx), ctx);
}
