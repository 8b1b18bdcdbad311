export * from './duration';
export * from './env';
export * from './site';
