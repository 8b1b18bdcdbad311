import { createI18n } from 'vue-i18n';
import { en } from './locales/en';
import { zh } from './locales/zh-CN';

const LOCALE_KEY = 'hallwatch.locale';

const chosen = localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN';
export const i18n = createI18n({
  legacy: false,
  locale: chosen,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});
// index.html says zh-CN; a reload in English must not leave screen readers reading English as Chinese.
document.documentElement.lang = chosen;

export function toggleLocale(): void {
  const next = i18n.global.locale.value === 'en' ? 'zh-CN' : 'en';
  i18n.global.locale.value = next;
  localStorage.setItem(LOCALE_KEY, next);
  document.documentElement.lang = next;
}
