import { Injectable, Logger } from '@nestjs/common';
import { CameraStatusMessage, decodeMessage, Streams, Subjects } from '@hallwatch/contracts';
import { InjectContext, NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import { brokerWithin } from '../modules/nats-connection.module';
import type { CameraStateDto } from '../dtos/cameras.dto';

/** How long a status read waits for the broker before answering 503. */
const BROKER_WAIT_MS = 5000;

/**
 * Each camera's health as ingestion last reported it (it publishes a status on every change only):
 * the last message of the camera's subject in the CAMERAS stream. The push channel carries the
 * changes after it (LiveEventsService).
 */
@Injectable()
export class CameraStatusService {
  private readonly logger = new Logger(CameraStatusService.name);

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly nats: NatsAdapter,
  ) {}

  /** The cameras of `halls` (undefined = every hall) that have reported; one that never did is left out. */
  async latest(halls: string[] | undefined): Promise<CameraStateDto[]> {
    const cameras = this.ctx.site.cameras.filter((c) => !halls || halls.includes(c.hall));
    const jsm = await (await brokerWithin(this.nats, BROKER_WAIT_MS)).jetstreamManager();
    const states = await Promise.all(
      cameras.map(async (camera): Promise<CameraStateDto | undefined> => {
        const stored = await jsm.streams
          .getMessage(Streams.cameras.name, { last_by_subj: Subjects.cameraStatus(camera.id) })
          .catch((err: Error) => {
            // Nothing published yet (or no stream before ingestion's first start).
            if (/no message found|stream not found/i.test(err.message)) return undefined;
            throw err;
          });
        if (!stored) return undefined;
        const decoded = decodeMessage(CameraStatusMessage, stored.data);
        if (!decoded.ok || decoded.value.cameraId !== camera.id) {
          this.logger.warn(`skipped the last status of camera ${camera.id}: ${decoded.ok ? 'it names another camera' : decoded.reason}`);
          return undefined;
        }
        return { cameraId: camera.id, hallId: camera.hall, status: decoded.value.status, at: decoded.value.at };
      }),
    );
    return states.filter((s) => s !== undefined);
  }
}
