import { reactive } from 'vue';

/**
 * Alerts for the incidents a hall manager must act on at once (issue 26, item 4): a count in the
 * page title and the nav until the user looks at the board or the incident list, an optional
 * sound, and a browser notification once the user allowed them. The push channel says which
 * incidents open (live.ts), already limited to the user's halls. A case's yellow or red card
 * (issue 22, item 6) and a rectification order turning overdue alert the same way, counted on the 督办
 * link until the user looks at that page.
 */

/** Kinds that need someone at the window now: a seat left empty, a citizen called to an empty seat. */
export const ALERT_KINDS: ReadonlySet<string> = new Set(['absence', 'queue-open-seat-empty', 'citizen-waiting-seat-empty']);
const SOUND_KEY = 'hallwatch.alertSound';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // no storage (the unit tests)
  }
}

export const alerts = reactive({
  /** Alerting incidents opened since the user last looked at the board or the incident list. */
  unseen: 0,
  /** Cards issued and orders turned overdue since the user last looked at the 督办 page. */
  unseenSupervision: 0,
  sound: stored(SOUND_KEY) === 'on',
  permission: (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission) as NotificationPermission | 'unsupported',
});

/** The page title with the count of unseen alerts in front, as mail and chat pages show theirs. */
export function titled(base: string, unseen: number): string {
  return unseen > 0 ? `(${unseen}) ${base}` : base;
}

/** A new alerting incident: counted, sounded if switched on, notified if allowed. */
export function raiseAlert(incident: { id: string; kind: string }, text: { title: string; body: string }): void {
  if (!ALERT_KINDS.has(incident.kind)) return;
  alerts.unseen += 1;
  signal(incident.id, text);
}

/** A new yellow or red card of a case in the user's halls: counted for the 督办 page, sounded, notified. */
export function raiseCardAlert(card: { caseId: string; color: string }, text: { title: string; body: string }): void {
  alerts.unseenSupervision += 1;
  signal(`card:${card.caseId}:${card.color}`, text);
}

/** A rectification order of the user's halls turned overdue: counted for the 督办 page like a card. */
export function raiseOverdueAlert(order: { orderId: string }, text: { title: string; body: string }): void {
  alerts.unseenSupervision += 1;
  signal(`overdue:${order.orderId}`, text);
}

function signal(tag: string, text: { title: string; body: string }): void {
  if (alerts.sound) beep();
  if (alerts.permission === 'granted') new Notification(text.title, { body: text.body, tag });
}

/** The user looked at the board or the incident list (`incidents`), or at the 督办 page. */
export function markSeen(what: 'incidents' | 'supervision' = 'incidents'): void {
  if (what === 'incidents') alerts.unseen = 0;
  else alerts.unseenSupervision = 0;
}

export function setSound(on: boolean): void {
  alerts.sound = on;
  localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  if (on) beep(); // so the user hears what it will sound like (and the browser lets audio play)
}

export async function askForNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  alerts.permission = await Notification.requestPermission();
}

/** Two short tones; no audio file to fetch. */
function beep(): void {
  try {
    const audio = new AudioContext();
    for (const [at, frequency] of [
      [0, 880],
      [0.25, 660],
    ]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.value = 0.2;
      tone.connect(gain).connect(audio.destination);
      tone.start(audio.currentTime + at);
      tone.stop(audio.currentTime + at + 0.18);
    }
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // no audio device: the badge and the title still say it
  }
}
