export * from './decode';
export * from './messages';
export * from './subjects';
