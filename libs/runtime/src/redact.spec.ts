import { maskCredentials, maskUrl } from './redact';

describe('credential masking', () => {
  it('masks the user and password of a URL and keeps the rest', () => {
    expect(maskUrl('rtsp://admin:s3cr%40t@10.0.0.5:554/Streaming/101')).toBe('rtsp://***@10.0.0.5:554/Streaming/101');
    expect(maskUrl('mongodb://127.0.0.1:27017/hallwatch')).toBe('mongodb://127.0.0.1:27017/hallwatch');
  });

  it('masks every URL inside free text such as an ffmpeg error', () => {
    const text = "rtsp://u:p@cam1/a: 401 Unauthorized; retry 'rtsp://x:y@cam2/b'";
    expect(maskCredentials(text)).toBe("rtsp://***@cam1/a: 401 Unauthorized; retry 'rtsp://***@cam2/b'");
  });
});
