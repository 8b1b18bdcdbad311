export * from './env';
export * from './site';
