import { readEnv } from './env';

describe('readEnv', () => {
  it('reads HALLWATCH_STREAM_REPLICAS, 1 when unset', () => {
    expect(readEnv({}).streamReplicas).toBe(1);
    expect(readEnv({ HALLWATCH_STREAM_REPLICAS: '3' }).streamReplicas).toBe(3);
  });

  it('names HALLWATCH_STREAM_REPLICAS when it is no replica count', () => {
    for (const bad of ['0', '6', '2.5', 'three']) {
      expect(() => readEnv({ HALLWATCH_STREAM_REPLICAS: bad })).toThrow(`HALLWATCH_STREAM_REPLICAS: "${bad}" is not a replica count`);
    }
  });
});

describe('HALLWATCH_DETECTOR_MODULE', () => {
  it('is unset by default, and an absolute path when set', () => {
    expect(readEnv({}).detectorModule).toBeUndefined();
    expect(readEnv({ HALLWATCH_DETECTOR_MODULE: 'test/support/hanging-detector.js' }).detectorModule).toBe(
      require('node:path').resolve('test/support/hanging-detector.js'),
    );
  });
});
