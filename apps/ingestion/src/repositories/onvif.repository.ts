import { Injectable } from '@nestjs/common';
import * as dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { Cam } from 'onvif';
import { chooseProfile, MediaProfile, withCredentials } from '../utils/profile-choice';

export interface OnvifAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface OnvifDeviceDescription {
  manufacturer?: string;
  model?: string;
  firmware?: string;
  profiles: MediaProfile[];
}

export interface OnvifStream {
  profile: MediaProfile;
  /** RTSP URI with the camera's credentials added: never log it unmasked. */
  streamUri: string;
  snapshotUri?: string;
  device: OnvifDeviceDescription;
}

export interface DiscoveredDevice {
  /** Endpoint reference (usually urn:uuid:...). */
  endpoint: string;
  /** Device service URLs. */
  xaddrs: string[];
  scopes: string[];
  /** Who answered the probe (host:port). */
  from: string;
}

export const WS_DISCOVERY_PORT = 3702;
const WS_DISCOVERY_GROUP = '239.255.255.250';
const REQUEST_TIMEOUT_MS = 10000;

type Callback<T> = (err: Error | null, value: T) => void;

/** ONVIF devices through the `onvif` package: description, stream choice and WS-Discovery. */
@Injectable()
export class OnvifRepository {
  /** Reads device information and media profiles (GetSystemDateAndTime, GetCapabilities first). */
  async describe(address: OnvifAddress): Promise<OnvifDeviceDescription & { cam: Cam }> {
    const cam = new Cam({
      hostname: address.host,
      port: address.port,
      username: address.user || undefined,
      password: address.password || undefined,
      timeout: REQUEST_TIMEOUT_MS,
      autoconnect: false,
      preserveAddress: true,
    });
    const call = <T>(fn: (cb: Callback<T>) => void) =>
      new Promise<T>((resolve, reject) => fn.call(cam, (err, value) => (err ? reject(err) : resolve(value))));
    await call<Date>((cb) => cam.getSystemDateAndTime(cb as never));
    await call((cb) => cam.getCapabilities(cb as never));
    const info = await call<Record<string, unknown>>((cb) => cam.getDeviceInformation(cb as never));
    const raw = await call<unknown[]>((cb) => cam.getProfiles(cb as never));
    return {
      cam,
      manufacturer: text(info?.manufacturer),
      model: text(info?.model),
      firmware: text(info?.firmwareVersion),
      profiles: (raw ?? []).map(toMediaProfile),
    };
  }

  /** The RTSP stream (and snapshot URI) of the profile closest to the analysis width. */
  async resolveStream(address: OnvifAddress, analysisWidth: number): Promise<OnvifStream> {
    const { cam, ...device } = await this.describe(address);
    const profile = chooseProfile(device.profiles, analysisWidth);
    if (!profile) throw new Error('the camera reports no media profile');
    const uriOf = (fn: 'getStreamUri' | 'getSnapshotUri', options: object) =>
      new Promise<string | undefined>((resolve, reject) =>
        (cam[fn] as (o: object, cb: Callback<{ uri?: string }>) => void).call(cam, options, (err, value) =>
          err ? reject(err) : resolve(text(value?.uri)),
        ),
      );
    const stream = await uriOf('getStreamUri', { protocol: 'RTSP', stream: 'RTP-Unicast', profileToken: profile.token });
    if (!stream) throw new Error(`profile "${profile.name}" has no RTSP stream URI`);
    // A snapshot URI is optional equipment; its absence must not stop the stream.
    const snapshot = await uriOf('getSnapshotUri', { profileToken: profile.token }).catch(() => undefined);
    return { profile, device, streamUri: withCredentials(stream, address.user, address.password), snapshotUri: snapshot };
  }

  /**
   * WS-Discovery: sends one Probe for NetworkVideoTransmitters, to the multicast group (the local
   * network) or to one address, and collects ProbeMatches until the timeout.
   */
  probe(options: { address?: { host: string; port: number }; timeoutMs: number }): Promise<DiscoveredDevice[]> {
    const messageId = `urn:uuid:${randomUUID()}`;
    const probe = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"' +
        ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
        `<s:Header><a:MessageID>${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
        '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>' +
        '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>',
    );
    const target = options.address ?? { host: WS_DISCOVERY_GROUP, port: WS_DISCOVERY_PORT };
    const socket = dgram.createSocket('udp4');
    const found = new Map<string, DiscoveredDevice>();
    return new Promise((resolve, reject) => {
      socket.on('error', (err) => {
        socket.close();
        reject(err);
      });
      socket.on('message', (msg, rinfo) => {
        const xml = msg.toString('utf8');
        if (!/ProbeMatches/.test(xml)) return;
        const relatesTo = element(xml, 'RelatesTo');
        if (relatesTo !== undefined && relatesTo !== messageId) return;
        const endpoint = element(xml, 'Address') ?? `${rinfo.address}:${rinfo.port}`;
        found.set(endpoint, {
          endpoint,
          xaddrs: (element(xml, 'XAddrs') ?? '').split(/\s+/).filter(Boolean),
          scopes: (element(xml, 'Scopes') ?? '').split(/\s+/).filter(Boolean),
          from: `${rinfo.address}:${rinfo.port}`,
        });
      });
      socket.bind(0, () => {
        socket.send(probe, target.port, target.host, (err) => err && socket.emit('error', err));
        setTimeout(() => {
          socket.close();
          resolve([...found.values()]);
        }, options.timeoutMs);
      });
    });
  }
}

/** Text content of the first element with this local name (any namespace prefix). */
function element(xml: string, localName: string): string | undefined {
  const match = new RegExp(`<(?:[\\w-]+:)?${localName}\\b[^>]*>([^<]*)</(?:[\\w-]+:)?${localName}>`).exec(xml);
  return match ? match[1].trim() : undefined;
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null || typeof value === 'object' ? undefined : String(value);
}

function num(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The onvif package's (xml2js-shaped) profile to ours. */
function toMediaProfile(raw: unknown): MediaProfile {
  const p = raw as {
    $?: { token?: string };
    name?: unknown;
    videoEncoderConfiguration?: {
      encoding?: unknown;
      resolution?: { width?: unknown; height?: unknown };
      rateControl?: { frameRateLimit?: unknown };
      H264?: { govLength?: unknown };
      govLength?: unknown;
    };
  };
  const enc = p.videoEncoderConfiguration;
  return {
    token: String(p.$?.token ?? ''),
    name: text(p.name) ?? String(p.$?.token ?? ''),
    encoding: text(enc?.encoding),
    width: num(enc?.resolution?.width),
    height: num(enc?.resolution?.height),
    frameRate: num(enc?.rateControl?.frameRateLimit),
    govLength: num(enc?.H264?.govLength ?? enc?.govLength),
  };
}
