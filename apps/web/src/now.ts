import { onMounted, onUnmounted, ref } from 'vue';

/** The current time, ticking every second (durations on screen; no request involved). */
export function useNow() {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => (timer = setInterval(() => (now.value = Date.now()), 1000)));
  onUnmounted(() => clearInterval(timer));
  return now;
}
