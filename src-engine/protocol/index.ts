export * from './api.ts';
export * from './schemas.ts';
export * from './wire.ts';
export { EXPORT_FORMATS } from './training.ts';
// The training settings' schema, so the page can check each field inline with the engine's own ranges.
export { trainConfigSchema, optimizerConfigSchema, makeTrainConfig, OPTIMIZERS } from '../train/config.ts';
export * from './commands.ts';
// A project's saved runs as runs to compare (the lab's Compare offers them).
export { savedRuns, type SavedRun } from '../lab/runs.ts';
