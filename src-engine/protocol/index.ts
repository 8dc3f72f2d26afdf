export * from './api.ts';
export * from './schemas.ts';
export * from './wire.ts';
export { EXPORT_FORMATS } from './training.ts';
// The training settings' schema, so the page can check each field inline with the engine's own ranges.
export { trainConfigSchema, optimizerConfigSchema, makeTrainConfig, OPTIMIZERS } from '../train/config.ts';
export * from './commands.ts';
// The bounded metric history (the loss chart compacts earlier runs with it) and the project's bound on runs.
export { MetricHistory, CHART_SERIES, OVERLAY_POINTS, PROGRESS_POINTS } from '../views/history.ts';
export { withRun, MAX_PROJECT_RUNS } from '../project/project.ts';
// Which files an image folder's class subfolders hold (the page zips a picked folder's images).
export { isImageFileName } from '../data/formats.ts';
// A project's saved runs as runs to compare (the lab's Compare offers them).
export { savedRuns, type SavedRun } from '../lab/runs.ts';
