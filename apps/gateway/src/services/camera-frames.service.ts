import { Injectable, NotFoundException, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { Subscription } from 'nats';
import { FrameHeaders, Subjects } from '@hallwatch/contracts';
import { InjectContext, NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import type { Caller } from '../dtos/auth.types';
import { assertHall } from '../utils/hall-scope';
import { brokerWithin } from '../modules/nats-connection.module';

export interface Snapshot {
  jpeg: Uint8Array;
  /** Capture time of the frame (ISO 8601). */
  capturedAt: string;
}

interface Watch {
  subscription: Subscription;
  latest?: Snapshot & { receivedAt: number };
  lastAskedAt: number;
  waiters: Array<(snapshot: Snapshot) => void>;
}

/** A camera's frames are followed while someone asks for them, and this long after the last ask. */
const FOLLOW_FOR_MS = 60_000;

/**
 * The latest sampled frame of a camera. Frames travel on core NATS only while the camera is
 * watched, so the gateway follows a camera's frames on demand rather than every camera always.
 */
@Injectable()
export class CameraFramesService implements OnModuleDestroy {
  private readonly watches = new Map<string, Watch>();
  private readonly sweeper = setInterval(() => this.sweep(), FOLLOW_FOR_MS / 2).unref();

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly nats: NatsAdapter,
  ) {}

  /** The camera's latest frame, at most a few samples old; 404 unknown camera, 403 other hall, 503 no frame. */
  async snapshot(user: Caller, cameraId: string): Promise<Snapshot> {
    const camera = this.ctx.site.cameras.find((c) => c.id === cameraId);
    if (!camera) throw new NotFoundException(`no camera "${cameraId}"`);
    assertHall(user, camera.hall);

    const fresh = 3 * camera.sampleEverySeconds * 1000 + 2000;
    const deadline = Date.now() + fresh;
    const watch = await this.watch(cameraId, fresh);
    watch.lastAskedAt = Date.now();
    if (watch.latest && Date.now() - watch.latest.receivedAt <= fresh) return watch.latest;
    return new Promise<Snapshot>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          watch.waiters = watch.waiters.filter((w) => w !== done);
          reject(new ServiceUnavailableException(`camera "${cameraId}" has sent no frame in the last ${Math.round(fresh / 1000)} s`));
        },
        Math.max(0, deadline - Date.now()),
      );
      const done = (snapshot: Snapshot) => {
        clearTimeout(timer);
        resolve(snapshot);
      };
      watch.waiters.push(done);
    });
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    for (const watch of this.watches.values()) watch.subscription.unsubscribe();
  }

  private async watch(cameraId: string, timeoutMs: number): Promise<Watch> {
    const known = this.watches.get(cameraId);
    if (known) return known;
    const nc = await brokerWithin(this.nats, timeoutMs);
    const again = this.watches.get(cameraId);
    if (again) return again;
    const watch: Watch = { subscription: nc.subscribe(Subjects.frames(cameraId)), lastAskedAt: Date.now(), waiters: [] };
    this.watches.set(cameraId, watch);
    void (async () => {
      for await (const msg of watch.subscription) {
        const capturedAt = msg.headers?.get(FrameHeaders.capturedAt) || new Date().toISOString();
        watch.latest = { jpeg: msg.data, capturedAt, receivedAt: Date.now() };
        const waiters = watch.waiters;
        watch.waiters = [];
        for (const resolve of waiters) resolve(watch.latest);
      }
    })();
    return watch;
  }

  private sweep(): void {
    for (const [cameraId, watch] of this.watches) {
      if (Date.now() - watch.lastAskedAt > FOLLOW_FOR_MS && watch.waiters.length === 0) {
        watch.subscription.unsubscribe();
        this.watches.delete(cameraId);
      }
    }
  }
}
