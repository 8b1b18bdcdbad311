import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { maskCredentials } from './redact';

/**
 * Structured (one JSON object per line) logs for every service. Messages pass through
 * maskCredentials so a URL with a camera password never reaches a log.
 */
export class HallwatchLogger extends ConsoleLogger {
  constructor(context: string, logLevels: LogLevel[] = ['log', 'warn', 'error', 'fatal']) {
    super(context, { json: true, logLevels, colors: false });
  }

  protected printMessages(messages: unknown[], context?: string, logLevel?: LogLevel, writeStreamType?: 'stdout' | 'stderr'): void {
    super.printMessages(
      messages.map((m) => (typeof m === 'string' ? maskCredentials(m) : m)),
      context,
      logLevel,
      writeStreamType,
    );
  }
}
