export * from './api.ts';
export * from './schemas.ts';
export * from './wire.ts';
export { EXPORT_FORMATS } from './training.ts';
