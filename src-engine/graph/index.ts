export * from './catalog.ts';
export * from './document.ts';
export * from './validate.ts';
