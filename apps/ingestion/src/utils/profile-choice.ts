/** A media profile of an ONVIF camera, reduced to what choosing one needs. */
export interface MediaProfile {
  token: string;
  name: string;
  encoding?: string;
  width?: number;
  height?: number;
  frameRate?: number;
  /** Frames between keyframes (H.264/H.265 GovLength). */
  govLength?: number;
}

/** Profiles ffmpeg can pull over RTSP as video; JPEG profiles are snapshot-style and skipped when others exist. */
const VIDEO = /^(h264|h265|hevc|mpeg4)$/i;

/**
 * The profile to pull: the one whose width is closest to the analysis width on a log scale (so
 * 352 is nearer 640 than 1920 is), i.e. the sub-stream on a typical camera. On a tie the larger
 * one wins, for detail. Profiles without a known size come last.
 */
export function chooseProfile(profiles: MediaProfile[], analysisWidth: number): MediaProfile | undefined {
  const video = profiles.filter((p) => p.encoding === undefined || VIDEO.test(p.encoding));
  const candidates = video.length > 0 ? video : profiles;
  const distance = (p: MediaProfile) => (p.width ? Math.abs(Math.log(p.width / analysisWidth)) : Infinity);
  return [...candidates].sort((a, b) => distance(a) - distance(b) || (b.width ?? 0) - (a.width ?? 0))[0];
}

/** Keyframe interval in seconds, when the profile tells both its GOP length and frame rate. */
export function keyframeInterval(profile: MediaProfile): number | undefined {
  return profile.govLength && profile.frameRate ? profile.govLength / profile.frameRate : undefined;
}

/** The stream URI with the camera's credentials added for ffmpeg (cameras rarely embed them). */
export function withCredentials(uri: string, user: string, password: string): string {
  if (!user) return uri;
  const url = new URL(uri);
  if (url.username) return uri;
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.toString();
}
