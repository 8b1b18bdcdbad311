import { ChildProcess, execFile } from 'node:child_process';
import * as path from 'node:path';
import { freePort, ROOT, writeSiteFile } from '../support/e2e';
import { OnvifCamera, startOnvifCamera } from '../fixtures/onvif-camera';
import { clip, siteYaml, startRtspServer, stopProcess } from './ingestion-harness';

const USER = 'installer';
const PASSWORD = 'onvif-pass-4417';
const RTSP_SECRET = 'rtsp-pass-9052';

/** Runs the CLI asynchronously: the ONVIF fixture answering it lives in this process's event loop. */
function siteCheck(file: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin', 'hallwatch.js'), 'site', 'check', file, '--timeout', '5'],
      { encoding: 'utf8', timeout: 90000 },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The table row of one camera, split into its columns. */
const rowOf = (stdout: string, cameraId: string) =>
  stdout
    .split('\n')
    .find((line) => line.startsWith(`${cameraId} `))
    ?.split(/ {2,}/);

describe('hallwatch site check: a site file and its cameras on the day of installation', () => {
  let rtsp: ChildProcess;
  let rtspPort: number;
  let camera: OnvifCamera;

  beforeAll(async () => {
    rtspPort = await freePort();
    rtsp = await startRtspServer(rtspPort, {
      '/cam1': clip('classroom-seated.mp4'),
      '/main': clip('empty-room.mp4'),
      '/sub': clip('classroom-seated.mp4'),
    });
    camera = await startOnvifCamera({
      user: USER,
      password: PASSWORD,
      mainStream: `rtsp://127.0.0.1:${rtspPort}/main`,
      subStream: `rtsp://127.0.0.1:${rtspPort}/sub`,
    });
  });

  afterAll(async () => {
    await camera?.close();
    await stopProcess(rtsp);
  });

  it('resolves every camera (RTSP stream, ONVIF profile), prints a table and fails when one cannot be reached', async () => {
    const file = writeSiteFile(
      siteYaml([
        `{ id: rtsp-ok, hall: h1, rtsp: "rtsp://viewer:${RTSP_SECRET}@127.0.0.1:${rtspPort}/cam1", sampleEverySeconds: 2 }`,
        `{ id: rtsp-404, hall: h1, rtsp: "rtsp://viewer:${RTSP_SECRET}@127.0.0.1:${rtspPort}/nothing-here", sampleEverySeconds: 2 }`,
        `{ id: onvif-ok, hall: h1, sampleEverySeconds: 2, onvif: { host: 127.0.0.1, port: ${camera.port}, user: ${USER}, password: ${PASSWORD} } }`,
        `{ id: onvif-denied, hall: h1, sampleEverySeconds: 2, onvif: { host: 127.0.0.1, port: ${camera.port}, user: ${USER}, password: not-${PASSWORD} } }`,
      ]) + `windows:\n  - { id: W1, hall: h1, name: one, department: d, camera: rtsp-ok, zone: [[0, 0], [0.5, 0], [0.5, 0.5]] }\n`,
    );
    const { status, stdout, stderr } = await siteCheck(file);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout).toContain(`${file}: valid; 1 hall(s), 4 camera(s), 1 window(s)`);
    expect(stdout).toMatch(/^camera +hall +windows +source +check +stream$/m);

    const ok = rowOf(stdout, 'rtsp-ok')!;
    expect(ok.slice(0, 5)).toEqual(['rtsp-ok', 'h1', '1', `rtsp://***@127.0.0.1:${rtspPort}/cam1`, 'ok']);
    // The clip is 480x270 H.264 with a keyframe every 2 s: learned from the stream, as ingestion does.
    expect(ok[5]).toMatch(/^h264 480x270, keyframe every (1\.9\d*|2(\.\d+)?) s; decodes keyframes only for a sample every 2 s$/);

    expect(rowOf(stdout, 'rtsp-404')!.slice(4)).toEqual(['FAIL', expect.stringMatching(/^ffprobe: .*404 Not Found/)]);

    const onvif = rowOf(stdout, 'onvif-ok')!;
    expect(onvif.slice(3, 5)).toEqual([`onvif 127.0.0.1:${camera.port}`, 'ok']);
    // The sub-stream profile (closest to 640 px); its GovLength 30 at 15 fps says a keyframe every 2 s.
    expect(onvif[5]).toMatch(/^ONVIF Hallwatch \S+, profile SubStream 640x360; h264 480x270, keyframe every 2 s; decodes keyframes only/);

    expect(rowOf(stdout, 'onvif-denied')!.slice(4)).toEqual(['FAIL', expect.stringMatching(/^ONVIF: .*not authorized/i)]);
    expect(stdout).toContain('2 of 4 camera(s) reachable');
    expect(stdout).not.toContain(RTSP_SECRET);
    expect(stdout).not.toContain(PASSWORD);
  });

  it('names every bad key of an invalid site file and looks at no camera', async () => {
    const calls = camera.calls.length;
    const file = writeSiteFile(
      siteYaml([
        `{ id: c1, hall: nowhere, sampleEverySeconds: 2, onvif: { host: 127.0.0.1, port: ${camera.port} } }`,
        `{ id: c2, hall: h1, rtsp: "http://x/y" }`,
      ]),
    );
    const { status, stdout, stderr } = await siteCheck(file);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('cameras[1].rtsp: must be an rtsp:// or rtsps:// URL');
    expect(camera.calls.length).toBe(calls);
  });
});
