import { captureInputOptions, captureOutputOptions, decodeKeyframesOnly, sampleFilter } from './capture-args';

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
  it('pulls RTSP over TCP with a socket timeout in microseconds', () => {
    const args = captureInputOptions({ ...base, ioTimeoutSeconds: 5 });
    expect(args.join(' ')).toContain('-rtsp_transport tcp');
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
  it('writes MJPEG to a pipe without duplicating frames or carrying audio', () => {
    const args = captureOutputOptions(base);
    expect(args.slice(args.indexOf('-f'), args.indexOf('-f') + 2)).toEqual(['-f', 'image2pipe']);
    expect(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 2)).toEqual(['-c:v', 'mjpeg']);
    expect(args).toContain('-an');
    expect(args.slice(args.indexOf('-fps_mode'), args.indexOf('-fps_mode') + 2)).toEqual(['-fps_mode', 'passthrough']);
  });
});
