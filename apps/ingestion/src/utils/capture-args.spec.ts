import { captureInputOptions, captureOutputOptions, decodeKeyframesOnly, GREY_FD, sampleFilter } from './capture-args';

const base = { sampleEverySeconds: 2, analysisWidth: 640 };

describe('decodeKeyframesOnly', () => {
  it('decodes keyframes only when samples are at least a keyframe interval apart', () => {
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 2 })).toBe(true);
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 1 })).toBe(true);
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 4 })).toBe(false);
  });

  it('allows a learned interval 10% of jitter over the sample interval', () => {
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 2.013 })).toBe(true);
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 2.2 })).toBe(true);
    expect(decodeKeyframesOnly({ ...base, keyframeEverySeconds: 2.3 })).toBe(false);
  });

  it('decodes everything when the keyframe interval is unknown', () => {
    expect(decodeKeyframesOnly(base)).toBe(false);
  });
});

describe('captureInputOptions', () => {
  it('pulls RTSP over TCP, video only, with a socket timeout in microseconds', () => {
    const args = captureInputOptions({ ...base, ioTimeoutSeconds: 5 });
    expect(args.join(' ')).toContain('-rtsp_transport tcp');
    expect(args.join(' ')).toContain('-allowed_media_types video');
    expect(args.join(' ')).toContain('-timeout 5000000');
  });

  it('adds -skip_frame nokey only for sparse sampling of a known GOP', () => {
    expect(captureInputOptions({ ...base, keyframeEverySeconds: 2 }).join(' ')).toContain('-skip_frame nokey');
    expect(captureInputOptions({ ...base, keyframeEverySeconds: 5 })).not.toContain('-skip_frame');
  });
});

describe('sampleFilter', () => {
  it('selects one frame per (nearly) one interval and scales down to the analysis width', () => {
    expect(sampleFilter({ sampleEverySeconds: 2, analysisWidth: 640 })).toBe(
      "select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,1.8)',scale='min(640\\,iw)':-2",
    );
    expect(sampleFilter({ sampleEverySeconds: 0.5, analysisWidth: 320 })).toContain('t-prev_selected_t\\,0.45');
  });

  it('keeps a keyframe that arrives up to half a keyframe interval early, so none is skipped for jitter', () => {
    expect(sampleFilter({ sampleEverySeconds: 2, analysisWidth: 640, keyframeEverySeconds: 2 })).toContain('t-prev_selected_t\\,1)');
    // every second keyframe of a 1 s GOP, each up to 0.5 s early
    expect(sampleFilter({ sampleEverySeconds: 2, analysisWidth: 640, keyframeEverySeconds: 1 })).toContain('t-prev_selected_t\\,1.5)');
    // a GOP too long for keyframes only: every frame is decoded, 10% early is kept
    expect(sampleFilter({ sampleEverySeconds: 2, analysisWidth: 640, keyframeEverySeconds: 4 })).toContain('t-prev_selected_t\\,1.8)');
  });
});

describe('captureOutputOptions', () => {
  /** The options of the output written to `target`, from its -map on. */
  const output = (args: string[], target: string) => args.slice(args.lastIndexOf('-map', args.indexOf(target)), args.indexOf(target) + 1);

  it('writes each sample as MJPEG on stdout and its luma plane as PGM on fd 3, video only, no frame duplicated', () => {
    const args = captureOutputOptions(base);
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(`[0:v:0]${sampleFilter(base)},split[jpeg][grey];[grey]extractplanes=y[luma]`);
    expect(output(args, 'pipe:1')).toEqual([
      '-map',
      '[jpeg]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      '-fps_mode',
      'passthrough',
      '-f',
      'image2pipe',
      'pipe:1',
    ]);
    expect(output(args, `pipe:${GREY_FD}`)).toEqual([
      '-map',
      '[luma]',
      '-c:v',
      'pgm',
      '-fps_mode',
      'passthrough',
      '-f',
      'image2pipe',
      'pipe:3',
    ]);
    expect(args.filter((a) => a === '-map')).toHaveLength(2); // nothing else, no audio
  });
});
