import { Command, InvalidArgumentError } from 'commander';
import { CameraConfig, loadSite } from '@hallwatch/config';
import { maskCredentials, maskUrl } from '@hallwatch/runtime';
import { FfmpegRepository } from '../../../ingestion/src/repositories/ffmpeg.repository';
import { OnvifRepository } from '../../../ingestion/src/repositories/onvif.repository';
import { decodeKeyframesOnly } from '../../../ingestion/src/utils/capture-args';
import { keyframeInterval } from '../../../ingestion/src/utils/profile-choice';
import { probeSeconds, StreamProbe } from '../../../ingestion/src/utils/stream-probe';
import { formatTable } from '../utils/table';

/** Cameras looked at side by side: each look lasts seconds, a district has dozens. */
const PARALLEL = 8;

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

const describeStream = (p: StreamProbe) => `${p.codec ?? 'codec ?'} ${p.width && p.height ? `${p.width}x${p.height}` : 'size ?'}`;

/**
 * One camera as ingestion will see it: its ONVIF profile (when it has one), its RTSP stream read
 * for as long as ingestion looks at it, and whether keyframes alone will do.
 */
async function checkCamera(camera: CameraConfig, windows: number, timeoutS: number): Promise<{ ok: boolean; row: string[] }> {
  const source = camera.rtsp ? maskUrl(camera.rtsp) : `onvif ${camera.onvif!.host}:${camera.onvif!.port}`;
  const row = (ok: boolean, ...rest: string[]) => ({
    ok,
    row: [camera.id, camera.hall, String(windows), source, ok ? 'ok' : 'FAIL', ...rest],
  });
  let url = camera.rtsp;
  let onvifNote = '';
  let keyframeEverySeconds = camera.keyframeEverySeconds;
  if (!url) {
    try {
      const stream = await new OnvifRepository().resolveStream(camera.onvif!, camera.analysisWidth);
      const { device, profile } = stream;
      const model = [device.manufacturer, device.model].filter(Boolean).join(' ') || 'device';
      onvifNote = `ONVIF ${model}, profile ${profile.name} ${profile.width ?? '?'}x${profile.height ?? '?'}; `;
      url = stream.streamUri;
      keyframeEverySeconds ??= keyframeInterval(profile);
    } catch (err) {
      return row(false, maskCredentials(`ONVIF: ${(err as Error).message}`));
    }
  }
  const seconds = probeSeconds(camera.sampleEverySeconds);
  let probe: StreamProbe;
  try {
    probe = await new FfmpegRepository().probe(url, seconds, timeoutS);
  } catch (err) {
    return row(false, `${onvifNote}${maskCredentials((err as Error).message)}`);
  }
  const interval = keyframeEverySeconds ?? probe.keyframeEverySeconds;
  const seen = interval === undefined ? `fewer than 2 keyframes in ${seconds} s` : `keyframe every ${interval} s`;
  const decoding = decodeKeyframesOnly({
    sampleEverySeconds: camera.sampleEverySeconds,
    analysisWidth: camera.analysisWidth,
    keyframeEverySeconds: interval,
  })
    ? 'keyframes only'
    : 'every frame';
  return row(true, `${onvifNote}${describeStream(probe)}, ${seen}; decodes ${decoding} for a sample every ${camera.sampleEverySeconds} s`);
}

/** `hallwatch site check FILE`: the day-of-installation check of a site file and its cameras. */
export function registerSiteCommand(program: Command): void {
  const site = program.command('site').description('the site file');
  site
    .command('check')
    .description(
      'validate a site file, then reach each camera (ONVIF profile, RTSP stream via ffprobe) and print a table; exit 1 on any failure',
    )
    .argument('<file>', 'site file (YAML)')
    .option('--timeout <seconds>', 'give up on a silent RTSP server after this long', positiveSeconds, 10)
    .action(async (file: string, opts: { timeout: number }) => {
      const config = loadSite(file); // a bad file throws, naming every bad key
      console.log(
        `${file}: valid; ${config.halls.length} hall(s), ${config.cameras.length} camera(s), ${config.windows.length} window(s), ${config.users.length} user(s)`,
      );
      const checks: { ok: boolean; row: string[] }[] = new Array(config.cameras.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < config.cameras.length; i = next++) {
          const camera = config.cameras[i];
          checks[i] = await checkCamera(camera, config.windows.filter((w) => w.camera === camera.id).length, opts.timeout);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      console.log(
        formatTable(
          ['camera', 'hall', 'windows', 'source', 'check', 'stream'],
          checks.map((c) => c.row),
        ),
      );
      const failing = checks.filter((c) => !c.ok).length;
      console.log(`${config.cameras.length - failing} of ${config.cameras.length} camera(s) reachable`);
      if (failing > 0) process.exitCode = 1;
    });
}
