import { ApiError } from './api';
import { i18n } from './i18n';

/**
 * A failed request as the user reads it, in the console's language: the server unreachable, or the
 * API's answer by its status (its own words, in English, follow where they tell the user why).
 */
export function errorText(err: unknown): string {
  const { t } = i18n.global;
  if (!(err instanceof ApiError)) return t('errors.unexpected', { detail: (err as Error)?.message ?? String(err) });
  if (err.status === 0) return t('common.network');
  if (err.status === 403) return t('errors.forbidden', { detail: err.message });
  if (err.status === 404) return t('errors.notFound');
  if (err.status === 409) return t('errors.conflict', { detail: err.message });
  if (err.status === 400) return t('errors.invalid', { detail: err.message });
  if (err.status >= 500) return t('errors.server', { status: err.status });
  return t('errors.other', { status: err.status, detail: err.message });
}
