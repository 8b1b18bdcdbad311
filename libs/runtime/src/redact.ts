/** Replaces the user and password of a URL with "***" so it can be logged or shown. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

/** Masks credentials inside any free text (error messages from ffmpeg or drivers quote URLs). */
export function maskCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/'"]*@/gi, '$1***@');
}
