import { HallwatchLogger, subjectOf } from './logger';

/** The lines a logger writes while `work` runs, parsed. */
function lines(work: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  try {
    work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return written
    .join('')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('HallwatchLogger', () => {
  afterEach(() => HallwatchLogger.identify({ service: undefined, instance: undefined, level: 'info' }));

  it('writes one JSON object a line naming the service, instance, context and the camera, hall or window', () => {
    HallwatchLogger.identify({ service: 'ingestion', instance: 'pc-1', level: 'info' });
    const written = lines(() => {
      const log = new HallwatchLogger('ingestion');
      log.log('camera cam-1: pulled by instance pc-1');
      log.warn('hall h1 stopped', 'MonitorService');
      log.error('window W:01: not stored', 'Error: boom\n    at x (f.js:1:2)');
    });
    expect(written).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'ingestion',
        instance: 'pc-1',
        context: 'ingestion',
        msg: 'camera cam-1: pulled by instance pc-1',
        camera: 'cam-1',
      }),
      expect.objectContaining({ level: 'warn', context: 'MonitorService', msg: 'hall h1 stopped', hall: 'h1' }),
      expect.objectContaining({
        level: 'error',
        msg: 'window W:01: not stored',
        window: 'W:01',
        stack: 'Error: boom\n    at x (f.js:1:2)',
      }),
    ]);
    expect(Date.parse(written[0].time as string)).not.toBeNaN();
  });

  it('never writes a URL credential, in the message or the stack', () => {
    const [line] = lines(() =>
      new HallwatchLogger('ingestion').error(
        'ffmpeg: rtsp://admin:topsecret@10.0.0.5/1 refused',
        'Error: refused rtsp://u:pw@h/x\n    at y (f.js:1:2)',
      ),
    );
    expect(JSON.stringify(line)).not.toMatch(/topsecret|u:pw/);
    expect(line.msg).toBe('ffmpeg: rtsp://***@10.0.0.5/1 refused');
  });

  it('honours HALLWATCH_LOG_LEVEL: warn drops info, debug adds debug lines', () => {
    HallwatchLogger.identify({ level: 'warn' });
    expect(
      lines(() => {
        const log = new HallwatchLogger('gateway');
        log.log('hidden');
        log.warn('shown');
      }).map((l) => l.msg),
    ).toEqual(['shown']);
    HallwatchLogger.identify({ level: 'debug' });
    expect(lines(() => new HallwatchLogger('gateway').debug('detail')).map((l) => [l.level, l.msg])).toEqual([['debug', 'detail']]);
  });

  it('takes the thing a message is about from its start only', () => {
    expect(subjectOf('camera cam-1 online')).toEqual({ camera: 'cam-1' });
    expect(subjectOf('hall h1')).toEqual({ hall: 'h1' });
    expect(subjectOf('frame from camera cam-9 dropped: not in the site file')).toEqual({});
    expect(subjectOf('NATS reconnected')).toEqual({});
  });
});
