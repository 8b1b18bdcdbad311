export * from './embedded';
export * from './leases';
export * from './logger';
export * from './password';
export * from './port';
export * from './redact';
export * from './rpc-errors';
export * from './service';
