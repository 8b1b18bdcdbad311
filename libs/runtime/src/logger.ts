import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { LogLevelName } from '@hallwatch/config';
import { maskCredentials } from './redact';

/** Nest's levels written at each HALLWATCH_LOG_LEVEL. */
const NEST_LEVELS: Record<LogLevelName, LogLevel[]> = {
  error: ['error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  debug: ['debug', 'verbose', 'log', 'warn', 'error', 'fatal'],
};

/** How each Nest level is named in a line. */
const LEVEL_NAMES: Record<LogLevel, string> = {
  verbose: 'debug',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** What every line of this process says about where it comes from (see HallwatchLogger.identify). */
interface Identity {
  service?: string;
  instance?: string;
  level: LogLevelName;
}

const identity: Identity = { level: 'info' };

/**
 * A message about one camera, hall or window starts with it ("camera cam-1: …", "hall h1 …"):
 * the thing gets its own field. Ids may hold ":", so an id ends where ": " or " " follows.
 */
const SUBJECT = /^(camera|hall|window) ([A-Za-z0-9_:-]+?)(?=:?\s|:?$)/;

/** The fields of a message about one camera, hall or window (see SUBJECT). */
export function subjectOf(message: string): { camera?: string; hall?: string; window?: string } {
  const m = SUBJECT.exec(message);
  return m ? { [m[1]]: m[2] } : {};
}

/**
 * Structured logs for every service: one JSON object per line with `time`, `level`, `service`,
 * `instance`, `context` (the class or part that speaks), `msg`, and `camera`, `hall` or `window`
 * when the message is about one (see subjectOf); `stack` for errors. Messages and stacks pass
 * through maskCredentials so a URL with a camera password never reaches a log.
 */
export class HallwatchLogger extends ConsoleLogger {
  /**
   * Names this process's service and instance in every line, and sets the level
   * (HALLWATCH_LOG_LEVEL) of loggers created from now on; `hallwatch start` calls it first.
   */
  static identify(who: Identity): void {
    Object.assign(identity, who);
  }

  /** `logLevels`: these levels instead of HALLWATCH_LOG_LEVEL's (e.g. only errors, for a command whose standard output is its result). */
  constructor(
    private readonly service: string,
    logLevels?: LogLevel[],
  ) {
    super(service, { logLevels: logLevels ?? NEST_LEVELS[identity.level], colors: false });
  }

  protected printMessages(
    messages: unknown[],
    context?: string,
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    stack?: string,
  ): void {
    for (const message of messages) {
      const msg = typeof message === 'string' ? maskCredentials(message) : message;
      const line = {
        time: new Date().toISOString(),
        level: LEVEL_NAMES[logLevel],
        service: identity.service ?? this.service,
        ...(identity.instance !== undefined && { instance: identity.instance }),
        context: context || this.service,
        msg,
        ...(typeof msg === 'string' ? subjectOf(msg) : {}),
        ...(stack ? { stack: maskCredentials(stack) } : {}),
      };
      process[writeStreamType ?? 'stdout'].write(`${JSON.stringify(line)}\n`);
    }
  }

  /** The stack is in the error's line already. */
  protected printStackTrace(): void {}
}
