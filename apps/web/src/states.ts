import type { PresenceState } from './api';
import type { CameraDown } from './staffing';

/** Each state has its own colour and its own icon, so it never rests on colour alone. */
export const STATE_STYLE: Record<PresenceState | CameraDown, { color: string; icon: string }> = {
  staffed: { color: '#1e7b3c', icon: 'M4 12.5l5 5L20 6.5' },
  absent: { color: '#c0281f', icon: 'M6 6l12 12M18 6L6 18' },
  unknown: { color: '#765c00', icon: 'M9 9a3 3 0 1 1 4.5 2.6c-.9.5-1.5 1.2-1.5 2.4M12 17.5v.5' },
  closed: { color: '#5f6b7a', icon: 'M15.5 4.5A8 8 0 1 0 19.5 15 6.5 6.5 0 0 1 15.5 4.5z' },
  // A camera that cannot see: neither staffed nor absent.
  offline: { color: '#6b5b95', icon: 'M3 3l18 18M9 5h6l1.5 2H20v10M17 19H4V7h3' },
  frozen: { color: '#2b6cb0', icon: 'M12 3v18M4.2 7.5l15.6 9M4.2 16.5l15.6-9' },
};
