import type { CameraConfig } from '@hallwatch/config';
import type { CameraStatusMessage } from '@hallwatch/contracts';
import type { CaptureListener, FfmpegRepository } from '../repositories/ffmpeg.repository';
import type { OnvifRepository } from '../repositories/onvif.repository';
import { CaptureSpec, decodeKeyframesOnly } from '../utils/capture-args';
import type { Picture } from '../utils/freeze-watch';
import type { StreamProbe } from '../utils/stream-probe';
import { CameraUnit } from './camera-unit';

/** Stands in for ffmpeg and ffprobe: records each probe and capture and lets the test deliver frames or end it. */
class FakeFfmpeg {
  captures: { url: string; spec: CaptureSpec; listener: CaptureListener; stopped: boolean }[] = [];
  probes: { url: string; seconds: number }[] = [];
  /** What the next probes answer (a stream with a keyframe every 2 s unless a test says otherwise). */
  probeAnswer: StreamProbe | Error = { keyframes: 3, keyframeEverySeconds: 2 };
  async probe(url: string, seconds: number): Promise<StreamProbe> {
    this.probes.push({ url, seconds });
    if (this.probeAnswer instanceof Error) throw this.probeAnswer;
    return this.probeAnswer;
  }
  capture(url: string, spec: CaptureSpec, listener: CaptureListener) {
    const c = { url, spec, listener, stopped: false };
    this.captures.push(c);
    return {
      pid: 1,
      stop: () => {
        c.stopped = true;
        listener.ended('killed');
      },
    };
  }
  get current() {
    return this.captures[this.captures.length - 1];
  }
}

const camera = (over: Partial<CameraConfig> = {}): CameraConfig =>
  ({
    id: 'cam-1',
    hall: 'h1',
    rtsp: 'rtsp://u:topsecret@127.0.0.1:1/x',
    sampleEverySeconds: 2,
    analysisWidth: 640,
    ...over,
  }) as CameraConfig;

/**
 * A sample as ffmpeg delivers it: `content` as the JPEG and a luma plane whose pixels are the bits
 * of its bytes, so different contents are different pictures.
 */
const sample = (content: string): [Buffer, Picture] => {
  const jpeg = Buffer.from(content);
  const grey = Uint8Array.from([...jpeg].flatMap((byte) => [...Array(8)].map((_, bit) => ((byte >> bit) & 1) * 255)));
  return [jpeg, { width: grey.length, height: 1, grey }];
};

function setup(config = camera(), onvif: Partial<OnvifRepository> = {}) {
  const ffmpeg = new FakeFfmpeg();
  const statuses: CameraStatusMessage[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const received: string[] = [];
  const unit = new CameraUnit(
    config,
    {
      ffmpeg: ffmpeg as unknown as FfmpegRepository,
      onvif: onvif as OnvifRepository,
      log: { log: (m: string) => infos.push(m), warn: (m: string) => warnings.push(m), error: () => undefined },
      frameReceived: (u) => received.push(u.id),
      framesQueued: () => undefined,
      statusChanged: (s) => statuses.push(s),
    },
    FROZEN_AFTER_MS,
  );
  return { unit, ffmpeg, statuses, warnings, infos, received };
}

const FROZEN_AFTER_MS = 10_000;

const flush = () => new Promise((r) => jest.requireActual<typeof import('timers')>('timers').setImmediate(r));

describe('CameraUnit', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('goes online on the first frame and numbers frames from 1', async () => {
    const { unit, ffmpeg, statuses } = setup();
    unit.start();
    await flush();
    ffmpeg.current.listener.frame(...sample('a'));
    ffmpeg.current.listener.frame(...sample('b'));
    await flush();
    expect(statuses.map((s) => s.status)).toEqual(['online']);
    expect([unit.queue.shift()?.seq, unit.queue.shift()?.seq]).toEqual([1, 2]);
  });

  it('is offline after 3 sample intervals without a frame, and reconnects', async () => {
    const { unit, ffmpeg, statuses } = setup();
    unit.start();
    await flush();
    ffmpeg.current.listener.frame(...sample('a'));
    await flush();
    jest.advanceTimersByTime(5999); // just under 3 intervals: not yet
    expect(statuses.map((s) => s.status)).toEqual(['online']);
    jest.advanceTimersByTime(1);
    expect(statuses.map((s) => s.status)).toEqual(['online', 'offline']);
    expect(statuses[1].reason).toMatch(/no frame for \d+ s/);
    expect(ffmpeg.captures[0].stopped).toBe(true);
    jest.advanceTimersByTime(1000); // first retry: 0.5-1 s
    await flush();
    expect(ffmpeg.captures).toHaveLength(2);
  });

  it('tells its status and the age of its last frame over reconnects, and reports each frame received (metrics)', async () => {
    const { unit, ffmpeg, received } = setup();
    unit.start();
    await flush();
    expect([unit.currentStatus, unit.frameAgeSeconds()]).toEqual([undefined, undefined]);
    ffmpeg.current.listener.frame(...sample('a'));
    ffmpeg.current.listener.frame(...sample('a')); // the same picture: received all the same
    await flush();
    expect(received).toEqual(['cam-1', 'cam-1']);
    expect([unit.currentStatus, unit.frameAgeSeconds()]).toEqual(['online', 0]);
    jest.advanceTimersByTime(6000); // 3 intervals without a frame: offline, reconnecting
    expect(unit.currentStatus).toBe('offline');
    expect(unit.frameAgeSeconds()).toBe(6);
  });

  it('gives a new connection time for its first frame', async () => {
    const { unit, ffmpeg, statuses } = setup();
    unit.start();
    await flush();
    jest.advanceTimersByTime(19999);
    expect(statuses).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(statuses.map((s) => s.reason)).toEqual([expect.stringMatching(/no frame within \d+ s of connecting/)]);
    expect(ffmpeg.captures[0].stopped).toBe(true);
  });

  it('publishes a status only when it changes, and backs off more after each failure', async () => {
    const { unit, ffmpeg, statuses, warnings } = setup();
    unit.start();
    await flush();
    for (let i = 0; i < 4; i++) {
      ffmpeg.current.listener.ended('ffmpeg: Connection refused');
      jest.advanceTimersByTime(60000);
      await flush();
    }
    expect(statuses.map((s) => s.status)).toEqual(['offline']);
    const delays = warnings.map((w) => Number(/in (\d+) ms/.exec(w)![1]));
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[3]).toBeGreaterThanOrEqual(4000);
    ffmpeg.current.listener.frame(...sample('a'));
    await flush();
    expect(statuses.map((s) => s.status)).toEqual(['offline', 'online']);
  });

  describe('a frozen picture', () => {
    /** One frame of `picture` every sample interval (2 s) for `ms`, promises settled. */
    async function repeat(ffmpeg: FakeFfmpeg, picture: string, ms: number) {
      for (let t = 0; t < ms; t += 2000) {
        jest.advanceTimersByTime(2000);
        ffmpeg.current.listener.frame(...sample(picture));
        await flush();
      }
    }

    it('holds back a repeated picture, is frozen once it has not changed for frozenAfter, and online at a new one', async () => {
      const { unit, ffmpeg, statuses } = setup();
      unit.start();
      await flush();
      ffmpeg.current.listener.frame(...sample('still'));
      await flush();
      expect(unit.queue.shift()?.seq).toBe(1);
      await repeat(ffmpeg, 'still', FROZEN_AFTER_MS - 2000);
      expect(unit.queue.length).toBe(0); // the same picture is no news of the seat
      expect(statuses.map((s) => s.status)).toEqual(['online']);
      await repeat(ffmpeg, 'still', 2000);
      expect(statuses.map((s) => [s.status, s.reason])).toEqual([
        ['online', undefined],
        ['frozen', 'the picture has not changed for 10 s'],
      ]);
      await repeat(ffmpeg, 'still', 60_000);
      expect(unit.queue.length).toBe(0);
      expect(statuses).toHaveLength(2); // frames keep coming: never offline
      await repeat(ffmpeg, 'moving', 2000);
      expect(statuses.map((s) => s.status)).toEqual(['online', 'frozen', 'online']);
      expect(unit.queue.shift()?.seq).toBe(2);
      unit.stop();
    });

    it('is still frozen after a reconnect that shows the same picture', async () => {
      const { unit, ffmpeg, statuses } = setup();
      unit.start();
      await flush();
      await repeat(ffmpeg, 'still', FROZEN_AFTER_MS + 2000);
      ffmpeg.current.listener.ended('ffmpeg: Connection reset by peer');
      jest.advanceTimersByTime(1000);
      await flush();
      expect(ffmpeg.captures).toHaveLength(2);
      await repeat(ffmpeg, 'still', 2000);
      expect(statuses.map((s) => s.status)).toEqual(['online', 'frozen', 'offline', 'frozen']);
      expect(unit.queue.length).toBe(1); // only the first frame ever
      unit.stop();
    });
  });

  it('masks credentials in reasons and stops for good on stop()', async () => {
    const { unit, ffmpeg, statuses } = setup();
    unit.start();
    await flush();
    ffmpeg.current.listener.ended('ffmpeg: rtsp://u:topsecret@127.0.0.1:1/x: 401 Unauthorized');
    expect(statuses[0].reason).not.toContain('topsecret');
    expect(statuses[0].reason).toContain('rtsp://***@127.0.0.1');
    unit.stop();
    jest.advanceTimersByTime(120000);
    await flush();
    expect(ffmpeg.captures).toHaveLength(1);
  });

  it('reports an ONVIF failure as offline with its reason and retries the ONVIF lookup', async () => {
    let lookups = 0;
    const onvif = {
      resolveStream: async () => {
        lookups++;
        throw new Error('ONVIF SOAP Fault: Sender not authorized');
      },
    };
    const { unit, ffmpeg, statuses } = setup(camera({ rtsp: undefined, onvif: { host: 'h', port: 80, user: 'u', password: 'p' } }), onvif);
    unit.start();
    await flush();
    expect(statuses.map((s) => [s.status, s.reason])).toEqual([['offline', 'ONVIF: ONVIF SOAP Fault: Sender not authorized']]);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(lookups).toBe(2);
    expect(ffmpeg.captures).toHaveLength(0);
  });

  it('learns the keyframe interval from the stream and decodes keyframes only when samples are sparser', async () => {
    const { unit, ffmpeg } = setup();
    unit.start();
    await flush();
    expect(ffmpeg.probes).toEqual([{ url: 'rtsp://u:topsecret@127.0.0.1:1/x', seconds: 7 }]);
    expect(ffmpeg.current.spec.keyframeEverySeconds).toBe(2);
    expect(decodeKeyframesOnly(ffmpeg.current.spec)).toBe(true);
  });

  it('decodes every frame when keyframes are sparser than samples or too rare to be seen', async () => {
    for (const answer of [{ keyframes: 2, keyframeEverySeconds: 4 }, { keyframes: 1 }]) {
      const { unit, ffmpeg } = setup();
      ffmpeg.probeAnswer = answer;
      unit.start();
      await flush();
      expect(ffmpeg.captures).toHaveLength(1);
      expect(decodeKeyframesOnly(ffmpeg.current.spec)).toBe(false);
      unit.stop();
    }
  });

  it('learns again at every connection, and takes a keyframe interval the site file gives without probing', async () => {
    const learned = setup();
    learned.unit.start();
    await flush();
    learned.ffmpeg.probeAnswer = { keyframes: 2, keyframeEverySeconds: 10 };
    learned.ffmpeg.current.listener.ended('ffmpeg: Connection reset');
    jest.advanceTimersByTime(1000);
    await flush();
    expect(learned.ffmpeg.probes).toHaveLength(2);
    expect(decodeKeyframesOnly(learned.ffmpeg.current.spec)).toBe(false);

    const given = setup(camera({ keyframeEverySeconds: 1 }));
    given.unit.start();
    await flush();
    expect(given.ffmpeg.probes).toEqual([]);
    expect(decodeKeyframesOnly(given.ffmpeg.current.spec)).toBe(true);
  });

  describe('looking again at a stream left decoding every frame', () => {
    /** Lets `ms` pass on a live stream: a frame every second on the running capture, promises settled. */
    async function streamFor(ffmpeg: FakeFfmpeg, ms: number) {
      for (let t = 0; t < ms; t += 1000) {
        jest.advanceTimersByTime(Math.min(1000, ms - t));
        await flush();
        if (!ffmpeg.current.stopped) ffmpeg.current.listener.frame(...sample(`f${t}`)); // a live picture: never the same
      }
    }

    it('restarts the capture decoding keyframes only, without going offline, when a look 60 s later finds them dense enough', async () => {
      const { unit, ffmpeg, statuses, warnings, infos } = setup();
      ffmpeg.probeAnswer = { keyframes: 1 }; // the first look was inconclusive (a loaded machine)
      unit.start();
      await flush();
      expect(decodeKeyframesOnly(ffmpeg.current.spec)).toBe(false);
      ffmpeg.probeAnswer = { keyframes: 4, keyframeEverySeconds: 2.01 };
      await streamFor(ffmpeg, 59_000);
      expect(ffmpeg.probes).toHaveLength(1);
      jest.advanceTimersByTime(1000);
      // The second look runs while capture 1 goes on.
      expect(ffmpeg.probes).toEqual([ffmpeg.probes[0], ffmpeg.probes[0]]);
      expect(ffmpeg.captures).toHaveLength(1);
      expect(ffmpeg.captures[0].stopped).toBe(false);
      await flush();
      expect(ffmpeg.captures).toHaveLength(2);
      expect(ffmpeg.captures[0].stopped).toBe(true);
      expect(ffmpeg.captures[1].spec).toEqual({ sampleEverySeconds: 2, analysisWidth: 640, keyframeEverySeconds: 2.01 });
      expect(decodeKeyframesOnly(ffmpeg.captures[1].spec)).toBe(true);
      expect(infos).toContain('camera cam-1: a keyframe every 2.01 s (learned again from the stream): decoding keyframes only');
      // The new capture has the first-frame grace again, not 3 sample intervals.
      jest.advanceTimersByTime(19_999);
      expect(ffmpeg.captures[1].stopped).toBe(false);
      ffmpeg.current.listener.frame(...sample('f'));
      await streamFor(ffmpeg, 3600_000); // keyframes only now: no more looks
      expect(ffmpeg.probes).toHaveLength(2);
      expect(ffmpeg.captures).toHaveLength(2);
      expect(statuses.map((s) => s.status)).toEqual(['online']);
      expect(warnings).toEqual([]);
      unit.stop();
    });

    it('leaves the capture alone while the stream still looks sparse or ffprobe fails, looking again 5 min and then every 30 min later', async () => {
      const { unit, ffmpeg, statuses, warnings, infos } = setup();
      ffmpeg.probeAnswer = { keyframes: 2, keyframeEverySeconds: 10.238 };
      unit.start();
      await flush();
      await streamFor(ffmpeg, 60_000);
      expect(ffmpeg.probes).toHaveLength(2);
      expect(ffmpeg.captures).toHaveLength(1);
      expect(infos).toContain(
        'camera cam-1: looked at the stream again: a keyframe every 10.238 s; still every frame decoded, next look in 300 s',
      );
      ffmpeg.probeAnswer = new Error('ffprobe: rtsp://***@127.0.0.1:1/x: Connection refused');
      await streamFor(ffmpeg, 5 * 60_000 - 1);
      expect(ffmpeg.probes).toHaveLength(2);
      await streamFor(ffmpeg, 1);
      expect(ffmpeg.probes).toHaveLength(3);
      await streamFor(ffmpeg, 30 * 60_000 - 1);
      expect(ffmpeg.probes).toHaveLength(3);
      await streamFor(ffmpeg, 1);
      expect(ffmpeg.probes).toHaveLength(4);
      await streamFor(ffmpeg, 30 * 60_000);
      expect(ffmpeg.probes).toHaveLength(5);
      expect(ffmpeg.captures).toHaveLength(1);
      expect(ffmpeg.captures[0].stopped).toBe(false);
      expect(statuses.map((s) => s.status)).toEqual(['online']);
      expect(warnings).toEqual([]);
      expect(infos.filter((m) => m.includes('looked at the stream again'))).toHaveLength(4); // one line per look
      unit.stop();
    });

    it('looks no more after stop() or once the connection ended; a reconnect starts over with a fresh look', async () => {
      const stopped = setup();
      stopped.ffmpeg.probeAnswer = { keyframes: 1 };
      stopped.unit.start();
      await flush();
      stopped.unit.stop();
      jest.advanceTimersByTime(3600_000);
      await flush();
      expect(stopped.ffmpeg.probes).toHaveLength(1);

      const ended = setup();
      ended.ffmpeg.probeAnswer = { keyframes: 1 };
      ended.unit.start();
      await flush();
      await streamFor(ended.ffmpeg, 59_000);
      jest.advanceTimersByTime(900);
      ended.ffmpeg.current.listener.ended('ffmpeg: Connection reset');
      jest.advanceTimersByTime(300); // past the look's time, before the reconnect (0.5-1 s)
      expect(ended.ffmpeg.probes).toHaveLength(1);
      ended.unit.stop();

      const { unit, ffmpeg } = setup();
      ffmpeg.probeAnswer = { keyframes: 1 };
      unit.start();
      await flush();
      await streamFor(ffmpeg, 30_000);
      ffmpeg.current.listener.ended('ffmpeg: Connection reset');
      jest.advanceTimersByTime(1000); // the reconnect (after 0.5-1 s) looks at the stream first
      await flush();
      expect([ffmpeg.probes.length, ffmpeg.captures.length]).toEqual([2, 2]);
      await streamFor(ffmpeg, 29_000); // 60 s after the first connection: its look is cancelled
      await streamFor(ffmpeg, 30_000);
      expect(ffmpeg.probes).toHaveLength(2);
      await streamFor(ffmpeg, 1000); // 60 s after the reconnect
      expect(ffmpeg.probes).toHaveLength(3);
      unit.stop();
    });

    it('drops the answer of a look that comes after the connection ended', async () => {
      const { unit, ffmpeg } = setup();
      ffmpeg.probeAnswer = { keyframes: 1 };
      unit.start();
      await flush();
      let answer!: (p: StreamProbe) => void;
      ffmpeg.probe = (url: string, seconds: number) => {
        ffmpeg.probes.push({ url, seconds });
        return new Promise<StreamProbe>((resolve) => (answer = resolve));
      };
      await streamFor(ffmpeg, 60_000);
      expect(ffmpeg.probes).toHaveLength(2);
      ffmpeg.current.listener.ended('ffmpeg: Connection reset');
      answer({ keyframes: 4, keyframeEverySeconds: 2 });
      await flush();
      expect(ffmpeg.captures).toHaveLength(1);
      unit.stop();
    });

    it('never looks again when the site file or the ONVIF profile says keyframes are sparse', async () => {
      const onvif = {
        resolveStream: async () => ({
          streamUri: 'rtsp://127.0.0.1:1/onvif',
          device: {},
          profile: { token: 't', name: 'sub', width: 640, height: 360, govLength: 100, frameRate: 25 }, // 4 s
        }),
      } as unknown as Partial<OnvifRepository>;
      for (const { unit, ffmpeg } of [
        setup(camera({ keyframeEverySeconds: 4 })),
        setup(camera({ rtsp: undefined, onvif: { host: 'h', port: 80, user: 'u', password: 'p' } }), onvif),
      ]) {
        unit.start();
        await flush();
        expect(decodeKeyframesOnly(ffmpeg.current.spec)).toBe(false);
        await streamFor(ffmpeg, 3600_000);
        expect(ffmpeg.probes).toEqual([]);
        expect(ffmpeg.captures).toHaveLength(1);
        unit.stop();
      }
    });
  });

  it("is offline with ffprobe's reason when the stream cannot be read, and retries", async () => {
    const { unit, ffmpeg, statuses } = setup();
    ffmpeg.probeAnswer = new Error('ffprobe: rtsp://***@127.0.0.1:1/x: Connection refused');
    unit.start();
    await flush();
    expect(statuses.map((s) => [s.status, s.reason])).toEqual([['offline', 'ffprobe: rtsp://***@127.0.0.1:1/x: Connection refused']]);
    expect(ffmpeg.captures).toHaveLength(0);
    jest.advanceTimersByTime(1000);
    await flush();
    expect(ffmpeg.probes).toHaveLength(2);
  });
});
