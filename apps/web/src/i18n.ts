import { createI18n } from 'vue-i18n';
import { en } from './locales/en';
import { zh } from './locales/zh-CN';

const LOCALE_KEY = 'hallwatch.locale';

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function toggleLocale(): void {
  const next = i18n.global.locale.value === 'en' ? 'zh-CN' : 'en';
  i18n.global.locale.value = next;
  localStorage.setItem(LOCALE_KEY, next);
  document.documentElement.lang = next;
}
