import { chooseProfile, keyframeInterval, MediaProfile, withCredentials } from './profile-choice';

const main: MediaProfile = { token: 'main', name: 'MainStream', encoding: 'H264', width: 1920, height: 1080, frameRate: 25, govLength: 50 };
const sub: MediaProfile = { token: 'sub', name: 'SubStream', encoding: 'H264', width: 640, height: 360, frameRate: 15, govLength: 30 };
const tiny: MediaProfile = { token: 'tiny', name: 'Third', encoding: 'H264', width: 352, height: 288 };
const mjpeg: MediaProfile = { token: 'mjpeg', name: 'Snapshot', encoding: 'JPEG', width: 640, height: 360 };

describe('chooseProfile', () => {
  it('prefers the sub-stream matching the analysis width', () => {
    expect(chooseProfile([main, sub], 640)?.token).toBe('sub');
  });

  it('measures closeness on a log scale: 352 is closer to 640 than 1920 is', () => {
    expect(chooseProfile([main, tiny], 640)?.token).toBe('tiny');
  });

  it('takes the main stream when analysis wants full size', () => {
    expect(chooseProfile([sub, main], 1920)?.token).toBe('main');
  });

  it('skips JPEG profiles when a video profile exists', () => {
    expect(chooseProfile([mjpeg, main], 640)?.token).toBe('main');
  });

  it('puts profiles without a size last and answers undefined for none', () => {
    expect(chooseProfile([{ token: 'x', name: 'x' }, main], 640)?.token).toBe('main');
    expect(chooseProfile([], 640)).toBeUndefined();
  });
});

describe('keyframeInterval', () => {
  it('is GOP length over frame rate when both are known', () => {
    expect(keyframeInterval(main)).toBe(2);
    expect(keyframeInterval(tiny)).toBeUndefined();
  });
});

describe('withCredentials', () => {
  it('adds URL-encoded credentials to a bare URI', () => {
    expect(withCredentials('rtsp://10.0.0.5:554/sub', 'admin', 'p@ss:w/rd')).toBe('rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/sub');
  });

  it('leaves a URI alone when there is no user or it already has one', () => {
    expect(withCredentials('rtsp://10.0.0.5/sub', '', 'x')).toBe('rtsp://10.0.0.5/sub');
    expect(withCredentials('rtsp://u:p@10.0.0.5/sub', 'admin', 'x')).toBe('rtsp://u:p@10.0.0.5/sub');
  });
});
