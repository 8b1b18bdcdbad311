import { ServiceContext, startMicroservice } from '@hallwatch/runtime';
import { INFERENCE_SCHEMAS } from './migrations';
import { InferenceModule } from './inference.module';

export function startInference(ctx: ServiceContext) {
  return startMicroservice('inference', InferenceModule.register(ctx), ctx, INFERENCE_SCHEMAS);
}
