export * from './embedded';
export * from './kv-mutex';
export * from './leases';
export * from './logger';
export * from './password';
export * from './port';
export * from './redact';
export * from './service';
