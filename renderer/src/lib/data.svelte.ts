/**
 * The data panel's state: a built-in dataset with its parameters, or a file the user opened (read
 * in the page, loaded and summarised by the engine), the target column and the preprocessing.
 */
import type {
  Api,
  BuiltinDatasetItem,
  ColumnType,
  Delimiter,
  OpenOptions,
  DataChoice,
  DataShape,
  DatasetSummary,
  PrepareChoice,
} from '../../../src-engine/protocol/api.ts';
import type { DatasetRef } from '../../../src-engine/protocol/api.ts';
import { SPLIT_FIELD, checkRange, checkWith } from './field-checks.ts';
import { zipImageFolder, type FolderFile } from './folder.ts';
import { usedColumns, type DataFacts } from './problems.ts';

export interface UploadedData extends PrepareChoice {
  dataId: string;
  fileName: string;
  summary: DatasetSummary;
  /** How the file was read (delimiter, columns read as text, the IDX labels file's name). */
  read: { delimiter: Delimiter | null; textColumns: string[]; labelsFile: string | null };
}

const IDX_NAME = /idx\d?-ubyte|\.idx\d?(\.gz)?$|ubyte(\.gz)?$/i;

/**
 * The files picked together, as data and its labels: IDX images with their labels file (the one with
 * "label" or idx1 in its name). A sentence when the files picked are not such a pair.
 */
export function pairFiles(files: readonly File[]): { data: File; labels: File | null } | string {
  if (files.length === 1) return { data: files[0]!, labels: null };
  const names = files.map((f) => f.name).join(', ');
  if (files.length !== 2 || !files.every((f) => IDX_NAME.test(f.name)))
    return `Pick one data file, or an IDX images file with its labels file (got ${names}).`;
  const isLabels = (f: File) => /label|idx1/i.test(f.name);
  const labels = files.find(isLabels);
  const data = files.find((f) => !isLabels(f));
  if (!labels || !data)
    return `Of ${names}, one must be the images and one the labels (its name has "labels" or idx1 in it).`;
  return { data, labels };
}

/** The column a CSV error suggests reading as text ("… read the column as text"), if any. */
export function textColumnSuggested(error: string | null): string | null {
  if (!error || !/read the column as text/.test(error)) return null;
  return /column "([^"]+)"/.exec(error)?.[1] ?? null;
}

/** Read a part of a file as base64 (without the data: prefix); aborts with the signal. */
export function readBase64(part: Blob, name: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(new Error(`${name}: ${r.error?.message ?? 'could not be read'}`));
    r.onabort = () => reject(new DOMException('Canceled', 'AbortError'));
    if (signal.aborted) return reject(new DOMException('Canceled', 'AbortError'));
    signal.addEventListener('abort', () => r.abort(), { once: true });
    r.readAsDataURL(part);
  });
}

/** Bytes of a file per uploadChunk message from the page (the host takes up to its own chunkBytes). */
export const PAGE_CHUNK_BYTES = 512 * 1024;

/**
 * Send a file to the engine in chunks (a 1 GB file is never one message), reporting the fraction
 * sent; returns the upload's id for openData. The upload is canceled if reading or sending fails.
 */
export async function uploadFile(
  api: Api,
  file: File,
  onProgress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<string> {
  const { uploadId, chunkBytes } = await api.uploadBegin({ fileName: file.name, size: file.size });
  // Smaller chunks than the host takes: sending a 4 MiB chunk (5.6 MB of base64) held the page's
  // thread for about 190 ms; 512 KiB ones stay well under the 100 ms of a long task.
  const step = Math.min(chunkBytes, PAGE_CHUNK_BYTES);
  try {
    for (let offset = 0; offset < file.size; offset += step) {
      const base64 = await readBase64(file.slice(offset, offset + step), file.name, signal);
      if (signal.aborted) throw new DOMException('Canceled', 'AbortError');
      await api.uploadChunk({ uploadId, offset, base64 });
      onProgress(Math.min(1, (offset + step) / file.size));
    }
    return uploadId;
  } catch (e) {
    void api.uploadCancel({ uploadId }).catch(() => {});
    throw e;
  }
}

export class DataState {
  datasets = $state.raw<BuiltinDatasetItem[]>([]);
  source = $state<'builtin' | 'upload'>('builtin');
  builtinId = $state('');
  params = $state<Record<string, number>>({});
  upload = $state<UploadedData | null>(null);
  /** Loading progress in [0, 1] while a file is read, null otherwise. */
  loading = $state<number | null>(null);
  error = $state<string | null>(null);
  shape = $state.raw<DataShape | null>(null);
  private abort: AbortController | null = null;
  /** The files last opened, to read them again another way (delimiter, a column as text). */
  #files: { data: File; labels: File | null } | null = null;
  /** How those files are read. */
  #read: { delimiter: Delimiter | null; textColumns: string[] } = { delimiter: null, textColumns: [] };
  /** The validation share of built-in data (a file keeps its own split in `upload`). */
  #builtinValidation = $state(0);
  /** Typed values that failed their check (dataset parameters, the split), with the sentence. */
  #drafts = $state.raw<Record<string, { text: string; error: string }>>({});

  /**
   * @param lockedBy why the data cannot change now (a run is going), or null.
   * @param changed called when the user changes the built-in data or its split (the project keeps them).
   */
  constructor(
    private readonly api: Api,
    private readonly lockedBy: () => string | null = () => null,
    private readonly changed: () => void = () => {},
  ) {}

  /** The built-in data as the project keeps it (id, seeded parameters, held-out share), or null for a file or nothing. */
  get builtinRef(): { dataset: DatasetRef; validation: number } | null {
    if (this.source !== 'builtin' || !this.builtinId) return null;
    return {
      dataset: { kind: 'builtin', id: this.builtinId, params: { ...this.params } },
      validation: this.#builtinValidation,
    };
  }

  /** Why the data cannot change now, or null. */
  get locked(): string | null {
    return this.lockedBy();
  }

  /** The train/validation/test split: the one place for it (the trainer and the file's preparation read it from here). */
  get split(): { validation: number; test: number } {
    const u = this.upload;
    return this.source === 'upload' && u
      ? { validation: u.validation, test: u.test }
      : { validation: this.#builtinValidation, test: 0 };
  }

  /** The share of rows the trainer holds out itself (built-in data; a file is split when prepared). */
  get trainerValidation(): number {
    return this.source === 'upload' ? 0 : this.#builtinValidation;
  }

  /** The text of a typed field while it is wrong, and why. */
  draft(field: string): { text: string; error: string } | null {
    return this.#drafts[field] ?? null;
  }

  /** Every typed field's error (these stop training). */
  get fieldErrors(): string[] {
    return Object.values(this.#drafts).map((d) => d.error);
  }

  #typed(field: string, text: string, error: string | null): boolean {
    const { [field]: _old, ...rest } = this.#drafts;
    this.#drafts = error ? { ...rest, [field]: { text, error } } : rest;
    return !error;
  }

  /** Type a share of the split ('validation' or 'test'); a good value applies, a bad one stays a draft. */
  typeSplit(part: 'validation' | 'test', text: string): void {
    if (this.#refused()) return;
    const v = text.trim() === '' ? Number.NaN : Number(text);
    const label = part === 'validation' ? 'Validation' : 'Test';
    let error = checkWith(SPLIT_FIELD.schema, label, v);
    const other = part === 'validation' ? this.split.test : this.split.validation;
    if (!error && v + other > 0.9)
      error = `Validation and test together must leave at least 10% to train on (they are ${Math.round((v + other) * 100)}%).`;
    if (!this.#typed(`split-${part}`, text, error)) return;
    if (this.split[part] === v) return;
    const u = this.upload;
    if (this.source === 'upload' && u) this.upload = { ...u, [part]: v };
    else if (part === 'validation') {
      this.#builtinValidation = v;
      this.changed();
    }
    void this.fetchShape();
  }

  /** Type a built-in dataset's parameter, checked against the dataset's own range. */
  typeParam(name: string, text: string): void {
    if (this.#refused()) return;
    const p = this.builtin?.params.find((x) => x.name === name);
    if (!p) return;
    const v = text.trim() === '' ? Number.NaN : Number(text);
    const error = checkRange(name, v, {
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      int: p.type === 'int',
    });
    if (this.#typed(`param-${name}`, text, error)) this.chooseBuiltin(this.builtinId, { ...this.params, [name]: v });
  }

  /** While a run is going the data stays as it is (the panel's controls are disabled and say why). */
  #refused(): boolean {
    return this.lockedBy() !== null;
  }

  /** Use the opened file (again) rather than a built-in set. */
  useUpload(): void {
    if (this.#refused() || !this.upload) return;
    this.source = 'upload';
    this.shape = null;
    void this.fetchShape();
  }

  /** How the file's features are scaled. */
  setScaling(scaling: PrepareChoice['scaling']): void {
    const u = this.upload;
    if (this.#refused() || !u) return;
    this.upload = { ...u, scaling };
    void this.fetchShape();
  }

  /** How an image's pixels are scaled (image data only; `scaling` is for other columns). */
  setPixels(pixels: NonNullable<PrepareChoice['pixels']>): void {
    const u = this.upload;
    if (this.#refused() || !u) return;
    this.upload = { ...u, pixels };
    void this.fetchShape();
  }

  /** What happens to rows with missing values. */
  setMissing(missing: PrepareChoice['missing']): void {
    const u = this.upload;
    if (this.#refused() || !u) return;
    this.upload = { ...u, missing };
    void this.fetchShape();
  }

  /** Use a column as a feature or not. */
  useColumn(column: string, use: boolean): void {
    const u = this.upload;
    if (this.#refused() || !u) return;
    const all = u.summary.columns.map((x) => x.name).filter((n) => n !== u.target);
    const cur = u.features ?? all;
    this.upload = { ...u, features: use ? [...cur, column] : cur.filter((n) => n !== column) };
    this.shape = null;
    void this.fetchShape();
  }

  /** What the problems bar needs to know about the chosen data. */
  get facts(): DataFacts | null {
    const u = this.upload;
    if (this.source === 'upload' && u) {
      const used = u.target ? usedColumns(u.summary.columns, u.target, u.features) : [];
      const missingCols = u.summary.columns.filter((c) => c.missing > 0 && used.includes(c.name));
      const missing = {
        policy: u.missing,
        cells: missingCols.reduce((a, c) => a + c.missing, 0),
        columns: missingCols.map((c) => c.name),
      };
      // A target with one value has no class balance: its column's summary tells the one value.
      const targetCol = u.summary.columns.find((c) => c.name === u.target);
      const single =
        targetCol && targetCol.type !== 'numeric' && targetCol.distinct === 1
          ? [{ label: targetCol.categories?.[0]?.value ?? '?', count: u.summary.rows - targetCol.missing }]
          : null;
      return {
        name: u.fileName,
        shape: this.shape,
        target: u.target,
        classes: u.summary.classBalance ?? single,
        missing,
        error: this.error,
      };
    }
    const b = this.builtin;
    return b ? { name: b.name, shape: this.shape, error: this.error } : null;
  }

  /** The data as the status line names it. */
  get label(): string {
    const u = this.upload;
    if (this.source === 'upload' && u) return `${u.fileName} (${u.summary.rows.toLocaleString('en-US')} rows)`;
    const b = this.builtin;
    if (!b) return 'no data';
    const s = this.shape;
    return s ? `${b.name} (${s.rows.toLocaleString('en-US')} rows, ${s.features} features)` : b.name;
  }

  async start(): Promise<void> {
    try {
      this.datasets = await this.api.listDatasets({});
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Show a project's dataset reference (built-in ones; file references need the file opened again). */
  load(ref: DatasetRef, validationSplit = 0): void {
    this.#builtinValidation = validationSplit;
    this.#drafts = {};
    this.error = null;
    if (ref.kind === 'builtin') {
      this.source = 'builtin';
      this.builtinId = ref.id;
      this.params = Object.fromEntries(
        Object.entries(ref.params).filter((e): e is [string, number] => typeof e[1] === 'number'),
      );
    } else if (!(ref.kind === 'file' && this.upload && ref.path.split(/[\\/]/).pop() === this.upload.fileName)) {
      // A project without data (or with a file not open here) must not look as if it had the last one's.
      this.source = 'builtin';
      this.builtinId = '';
      this.params = {};
    } else this.source = 'upload';
    this.shape = null;
    if (ref.kind === 'builtin') void this.fetchShape();
  }

  get builtin(): BuiltinDatasetItem | undefined {
    return this.datasets.find((d) => d.id === this.builtinId);
  }

  /** What a run trains on, or an error sentence when nothing usable is chosen. */
  choice(): DataChoice | string {
    const why = this.fieldErrors[0];
    if (why) return why;
    if (this.source === 'upload') {
      const u = this.upload;
      if (!u) return 'Open a data file first.';
      if (!u.target) return `Choose the column to predict in ${u.fileName}.`;
      return {
        kind: 'upload',
        dataId: u.dataId,
        target: u.target,
        features: u.features,
        scaling: u.scaling,
        ...(u.pixels ? { pixels: u.pixels } : {}),
        missing: u.missing,
        validation: u.validation,
        test: u.test,
        ...(u.columnTypes && Object.keys(u.columnTypes).length ? { columnTypes: u.columnTypes } : {}),
      };
    }
    if (!this.builtinId) return 'Choose a dataset.';
    return { kind: 'builtin', id: this.builtinId, params: { ...this.params } };
  }

  /** Choose a built-in dataset (or change its parameters) and summarise it. */
  chooseBuiltin(id: string, params: Record<string, number> = {}): void {
    if (this.#refused()) return;
    // The same choice again (a field losing focus) changes nothing and asks nothing.
    if (this.source === 'builtin' && id === this.builtinId && JSON.stringify(params) === JSON.stringify(this.params))
      return;
    if (id !== this.builtinId) this.#drafts = {};
    this.source = 'builtin';
    this.builtinId = id;
    this.params = params;
    this.shape = null;
    this.changed();
    void this.fetchShape();
  }

  /** Open an image folder, picked or dropped (zipped in the page, see zipImageFolder). */
  async openFolder(files: readonly FolderFile[] | Promise<FolderFile[]>): Promise<boolean> {
    this.cancel();
    this.error = null;
    this.loading = 0;
    let zip: File | string;
    try {
      zip = await zipImageFolder(await files);
    } catch (e) {
      zip = `The folder could not be read: ${(e as Error).message}`;
    }
    this.loading = null;
    if (typeof zip === 'string') {
      this.error = zip;
      return false;
    }
    return this.open([zip]);
  }

  /**
   * Read local files (one data file, or IDX images with their labels file) and have the engine load
   * and summarise them; false when it could not (the reason is in `error`).
   */
  async open(files: readonly File[]): Promise<boolean> {
    const pair = pairFiles(files);
    if (typeof pair === 'string') {
      this.error = pair;
      return false;
    }
    this.#files = pair;
    this.#read = { delimiter: null, textColumns: [] };
    return this.#load();
  }

  /** Read the open file again with another delimiter (null: detect it). */
  async setDelimiter(delimiter: Delimiter | null): Promise<boolean> {
    if (this.#refused() || !this.#files) return false;
    this.#read = { ...this.#read, delimiter };
    return this.#load();
  }

  /** Read the open file again with a column read as text (what a bad numeric cell's error suggests). */
  async readAsText(column: string): Promise<boolean> {
    if (this.#refused() || !this.#files) return false;
    this.#read = { ...this.#read, textColumns: [...this.#read.textColumns.filter((c) => c !== column), column] };
    return this.#load();
  }

  /** Choose a column's type over the inferred one (a numeric code read as categories, say); null: inferred. */
  async setColumnType(column: string, type: ColumnType | null): Promise<void> {
    const u = this.upload;
    if (this.#refused() || !u) return;
    const columnTypes = { ...u.columnTypes };
    if (type) columnTypes[column] = type;
    else delete columnTypes[column];
    try {
      const summary = await this.api.summarizeData({ dataId: u.dataId, target: u.target || null, columnTypes });
      this.upload = { ...u, summary, columnTypes };
      this.shape = null;
      void this.fetchShape();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  async #load(): Promise<boolean> {
    const files = this.#files!;
    const read = this.#read;
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    this.error = null;
    this.loading = 0;
    try {
      const total = files.data.size + (files.labels?.size ?? 0);
      const uploadId = await uploadFile(
        this.api,
        files.data,
        (f) => (this.loading = ((f * files.data.size) / total) * 0.8),
        abort.signal,
      );
      const labelsUploadId = files.labels
        ? await uploadFile(
            this.api,
            files.labels,
            (f) => (this.loading = ((files.data.size + f * files.labels!.size) / total) * 0.8),
            abort.signal,
          )
        : null;
      this.loading = 0.9;
      const options: OpenOptions = {
        ...(labelsUploadId ? { labelsUploadId } : {}),
        ...(read.delimiter ? { delimiter: read.delimiter } : {}),
        ...(read.textColumns.length ? { textColumns: read.textColumns } : {}),
      };
      const r = await this.api.openData({ uploadId, target: null, ...options });
      const file = files.data;
      if (abort.signal.aborted) {
        void this.api.closeData({ dataId: r.dataId }).catch(() => {});
        return false;
      }
      const previous = this.upload?.dataId;
      const cols = r.summary.columns.map((c) => c.name);
      // A column named like a label is the usual target; otherwise the last one.
      const guess = cols.find((c) => /^(label|target|class|species|y)$/i.test(c)) ?? cols.at(-1) ?? '';
      const summary = guess ? await this.api.summarizeData({ dataId: r.dataId, target: guess }) : r.summary;
      this.upload = {
        dataId: r.dataId,
        fileName: file.name,
        summary,
        target: guess,
        features: null,
        scaling: 'standard',
        missing: 'drop',
        validation: 0.2,
        test: 0,
        read: { ...read, labelsFile: files.labels?.name ?? null },
      };
      this.source = 'upload';
      this.shape = null;
      // The engine keeps the table of the file in use only.
      if (previous) void this.api.closeData({ dataId: previous }).catch(() => {});
      return true;
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.error = (e as Error).message;
      return false;
    } finally {
      if (this.abort === abort) {
        this.loading = null;
        this.abort = null;
      }
    }
  }

  /** Stop loading a file. */
  cancel(): void {
    this.abort?.abort();
    this.abort = null;
    this.loading = null;
  }

  /** Choose the target column of the uploaded table (re-summarised for class balance). */
  async setTarget(target: string): Promise<void> {
    const u = this.upload;
    if (this.#refused() || !u) return;
    try {
      const summary = await this.api.summarizeData({
        dataId: u.dataId,
        target,
        ...(u.columnTypes ? { columnTypes: u.columnTypes } : {}),
      });
      this.upload = { ...u, target, summary };
      this.shape = null;
      void this.fetchShape();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** The prepared data's shape (features, targets, task), asked of the engine. */
  async fetchShape(): Promise<DataShape | null> {
    const c = this.choice();
    if (typeof c === 'string') {
      // A field's own error shows beside the field.
      if (!this.fieldErrors.length) this.error = c;
      return null;
    }
    const asked = JSON.stringify(c);
    // Only the answer for the data still chosen may show (an earlier choice can answer late).
    const current = () => JSON.stringify(this.choice()) === asked;
    try {
      this.error = null;
      const shape = await this.api.dataShape({ data: c });
      if (current()) this.shape = shape;
      return shape;
    } catch (e) {
      if (current()) this.error = (e as Error).message;
      return null;
    }
  }
}
