import { streamFillRatio } from './jetstream-metrics';

describe('streamFillRatio', () => {
  it('is the larger of bytes and messages against their limits', () => {
    expect(streamFillRatio({ bytes: 800, messages: 10 }, { max_bytes: 1000, max_msgs: 100 })).toBe(0.8);
    expect(streamFillRatio({ bytes: 100, messages: 90 }, { max_bytes: 1000, max_msgs: 100 })).toBe(0.9);
  });

  it('ignores a limit that is not set (-1 or 0)', () => {
    expect(streamFillRatio({ bytes: 512, messages: 1_000_000 }, { max_bytes: 1024, max_msgs: -1 })).toBe(0.5);
    expect(streamFillRatio({ bytes: 512, messages: 7 }, { max_bytes: 0, max_msgs: 14 })).toBe(0.5);
    expect(streamFillRatio({ bytes: 512, messages: 7 }, { max_bytes: -1, max_msgs: -1 })).toBe(0);
  });
});
