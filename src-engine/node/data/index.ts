/**
 * Local data for Node callers (CLI, worker): load a file or folder, summarise it, prepare Datasets.
 *
 *   const table = await loadTable('penguins.csv', { onProgress, signal });
 *   console.log(summaryLine(summarize(table, 'Species')));
 *   const { train, test, preprocessing } = prepare(table, { target: 'Species', scaling: 'standard',
 *     missing: 'impute', split: { validation: 0, test: 0.2, seed: 1, stratify: true } });
 */
export { loadTable, registerLoader, type Loader, type LoadTableOptions } from './load-table.ts';
export { loadCsv } from './csv-loader.ts';
export { loadJson } from './json-loader.ts';
export { loadNpy, loadNpz } from './npy-loader.ts';
export { loadIdx } from './idx-loader.ts';
export { loadImageFolder, type ImageFolderOptions } from './image-loader.ts';
export type { ReadOptions } from './read.ts';
export { DataError, isDataError, type DataErrorCode } from '../../data/errors.ts';
export { detectFormat, FORMATS, type FormatId } from '../../data/formats.ts';
export type { RawTable, RawColumn } from '../../data/table.ts';
export { summarize, summaryLine, type DatasetSummary, type ColumnSummary } from '../../data/summary.ts';
export { prepare, type PrepareOptions, type Prepared } from '../../data/prepare.ts';
export {
  applyPreprocessing,
  type Preprocessing,
  type FeatureTransform,
  type TargetEncoding,
} from '../../data/preprocess.ts';
export { kFold, splitIndices, type Fold, type SplitSpec } from '../../data/split.ts';
export { inferColumnTypes, type ColumnType } from '../../data/columns.ts';
