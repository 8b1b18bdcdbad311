import { keyframeSpacing, parseProbeOutput, probeArgs, probeSeconds } from './stream-probe';

describe('probeSeconds', () => {
  it('watches two sample intervals and a second, at most 21 s', () => {
    expect(probeSeconds(2)).toBe(5);
    expect(probeSeconds(0.5)).toBe(2);
    expect(probeSeconds(60)).toBe(21);
  });
});

describe('probeArgs', () => {
  it('reads packets (no decoding) of the first video stream for a bounded time, RTSP over TCP', () => {
    const args = probeArgs('rtsp://u:p@cam/1', 5, 3).join(' ');
    expect(args).toContain('-rtsp_transport tcp');
    expect(args).toContain('-timeout 3000000');
    expect(args).toContain('-read_intervals %+5');
    expect(args).toContain('packet=pts_time,flags');
    expect(args).not.toContain('show_frames');
    expect(probeArgs('file.mp4', 5)).not.toContain('-rtsp_transport');
  });
});

describe('keyframeSpacing', () => {
  it('is the median gap between keyframes, whatever their order', () => {
    expect(keyframeSpacing([4.02, 0.01, 2.0])).toBe(2.005);
    expect(keyframeSpacing([0, 2, 4, 10])).toBe(2);
  });

  it('is unknown with fewer than two distinct keyframe times', () => {
    expect(keyframeSpacing([])).toBeUndefined();
    expect(keyframeSpacing([3.5])).toBeUndefined();
    expect(keyframeSpacing([3.5, 3.5])).toBeUndefined();
  });
});

describe('parseProbeOutput', () => {
  it('reads the codec, size and keyframe spacing, skipping keyframes without a time', () => {
    const out = [
      'packet|pts_time=N/A|flags=K_',
      'packet|pts_time=0.04|flags=__',
      '',
      'packet|pts_time=1.958189|flags=K_|side_data|',
      'packet|pts_time=2.0|flags=__',
      'packet|pts_time=3.980344|flags=K_|side_data|',
      'stream|codec_name=h264|width=1280|height=720',
    ].join('\n');
    expect(parseProbeOutput(out)).toEqual({ codec: 'h264', width: 1280, height: 720, keyframes: 3, keyframeEverySeconds: 2.022 });
  });

  it('leaves the keyframe interval unknown when the look saw one keyframe or none', () => {
    expect(parseProbeOutput('packet|pts_time=0.5|flags=K_\npacket|pts_time=1|flags=__\n')).toEqual({ keyframes: 1, keyframeEverySeconds: undefined });
    expect(parseProbeOutput('')).toEqual({ keyframes: 0, keyframeEverySeconds: undefined });
  });
});
