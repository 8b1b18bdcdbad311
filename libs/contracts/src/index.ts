export * from './ids';
export * from './decode';
export * from './messages';
export * from './subjects';
export * from './incidents';
export * from './cases';
export * from './complaints';
