import { Command, InvalidArgumentError } from 'commander';
import { OnvifRepository, WS_DISCOVERY_PORT } from '../../../ingestion/src/repositories/onvif.repository';
import type { MediaProfile } from '../../../ingestion/src/utils/profile-choice';

function hostPort(value: string): { host: string; port: number } {
  const match = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(value);
  const port = Number(match?.[2] ?? WS_DISCOVERY_PORT);
  if (!match || port < 1 || port > 65535) throw new InvalidArgumentError('must be HOST or HOST:PORT');
  return { host: match[1], port };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number of milliseconds');
  return n;
}

const describeProfile = (p: MediaProfile) =>
  `${p.name} (${p.token}): ${p.encoding ?? '?'} ${p.width && p.height ? `${p.width}x${p.height}` : 'size unknown'}` +
  `${p.frameRate ? ` ${p.frameRate} fps` : ''}`;

/** `hallwatch cameras discover`: finds ONVIF cameras by WS-Discovery and describes them. */
export function registerCamerasCommand(program: Command): void {
  const cameras = program.command('cameras').description('ONVIF cameras');
  cameras
    .command('discover')
    .description('find ONVIF cameras by WS-Discovery (multicast on the local network) and print address, model and profiles')
    .option('--address <host[:port]>', `probe one device directly (unicast; port ${WS_DISCOVERY_PORT} when omitted)`, hostPort)
    .option('--timeout <ms>', 'how long to wait for answers', positiveInt, 3000)
    .option('--user <name>', 'ONVIF user, to read the media profiles of cameras that require it')
    .option('--password <password>', 'ONVIF password of --user')
    .action(async (opts: { address?: { host: string; port: number }; timeout: number; user?: string; password?: string }) => {
      const onvif = new OnvifRepository();
      const devices = await onvif.probe({ address: opts.address, timeoutMs: opts.timeout });
      if (devices.length === 0) {
        console.log('no ONVIF device answered');
        return;
      }
      for (const device of devices) {
        const xaddr = device.xaddrs.map((x) => new URL(x)).find((u) => u.protocol === 'http:');
        const scope = (kind: string) =>
          device.scopes
            .find((s) => s.startsWith(`onvif://www.onvif.org/${kind}/`))
            ?.split('/')
            .pop();
        console.log(`${xaddr ? `${xaddr.hostname}:${xaddr.port || 80}` : device.from}  ${device.endpoint}`);
        let model = scope('hardware');
        let profiles = 'unknown (no device service address)';
        if (xaddr) {
          try {
            const info = await onvif.describe({
              host: xaddr.hostname,
              port: Number(xaddr.port || 80),
              user: opts.user ?? '',
              password: opts.password ?? '',
            });
            model = [info.manufacturer, info.model].filter(Boolean).join(' ') || model;
            profiles = info.profiles.map(describeProfile).join('; ') || 'none';
          } catch (err) {
            profiles = `unavailable (${(err as Error).message}${opts.user ? '' : '; pass --user and --password'})`;
          }
        }
        console.log(`  model: ${model ?? 'unknown'}${scope('name') ? ` (name ${decodeURIComponent(scope('name')!)})` : ''}`);
        console.log(`  profiles: ${profiles}`);
      }
    });
}
