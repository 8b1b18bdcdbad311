import { keyframeSpacing, parsePacketLine, parseStreamDescription, probeArgs, probeSeconds } from './stream-probe';

describe('probeSeconds', () => {
  it('watches three sample intervals and a second, at most 21 s', () => {
    expect(probeSeconds(2)).toBe(7);
    expect(probeSeconds(0.5)).toBe(2.5);
    expect(probeSeconds(60)).toBe(21);
  });
});

describe('probeArgs', () => {
  it('prints packets (no decoding) of the first video stream, RTSP over TCP, with a socket timeout', () => {
    const args = probeArgs('rtsp://u:p@cam/1', 3).join(' ');
    expect(args).toContain('-rtsp_transport tcp');
    expect(args).toContain('-timeout 3000000');
    expect(args).toContain('packet=pts_time,flags');
    expect(args).not.toContain('-read_intervals'); // bounded by the caller's clock, not RTP time
    expect(args).not.toContain('show_frames');
    expect(probeArgs('file.mp4')).not.toContain('-rtsp_transport');
  });
});

describe('parsePacketLine', () => {
  it('reads keyframe flags and times, a missing time as undefined, and skips other lines', () => {
    expect(parsePacketLine('packet|pts_time=1.958189|flags=K_|side_data|')).toEqual({ keyframe: true, pts: 1.958189 });
    expect(parsePacketLine('packet|pts_time=N/A|flags=K_')).toEqual({ keyframe: true, pts: undefined });
    expect(parsePacketLine('packet|pts_time=0.04|flags=__')).toEqual({ keyframe: false, pts: 0.04 });
    expect(parsePacketLine('')).toBeUndefined();
    expect(parsePacketLine('stream|codec_name=h264')).toBeUndefined();
  });
});

describe('parseStreamDescription', () => {
  it("reads codec and size from ffprobe's input dump", () => {
    const stderr = [
      "Input #0, rtsp, from 'rtsp://***@127.0.0.1:8554/cam1':",
      '  Duration: N/A, start: 0.040000, bitrate: N/A',
      '  Stream #0:0: Video: h264 (High), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn',
    ].join('\n');
    expect(parseStreamDescription(stderr)).toEqual({ codec: 'h264', width: 1280, height: 720 });
    expect(parseStreamDescription('rtsp://x: Connection refused')).toEqual({});
  });
});

describe('keyframeSpacing', () => {
  it('is the median gap between keyframes, whatever their order, so one odd gap does not sway it', () => {
    expect(keyframeSpacing([4.02, 0.01, 2.0])).toBe(2.005);
    expect(keyframeSpacing([0, 2, 4, 1000])).toBe(2);
  });

  it('is unknown with fewer than two distinct keyframe times', () => {
    expect(keyframeSpacing([])).toBeUndefined();
    expect(keyframeSpacing([3.5])).toBeUndefined();
    expect(keyframeSpacing([3.5, 3.5])).toBeUndefined();
  });
});
