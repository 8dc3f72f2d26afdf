/**
 * The data panel's state: a built-in dataset with its parameters, or a file the user opened (read
 * in the page, loaded and summarised by the engine), the target column and the preprocessing.
 */
import type {
  Api,
  BuiltinDatasetItem,
  DataChoice,
  DataShape,
  DatasetSummary,
  PrepareChoice,
} from '../../../src-engine/protocol/api.ts';
import type { DatasetRef } from '../../../src-engine/protocol/api.ts';

export interface UploadedData extends PrepareChoice {
  dataId: string;
  fileName: string;
  summary: DatasetSummary;
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
  try {
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      const base64 = await readBase64(file.slice(offset, offset + chunkBytes), file.name, signal);
      if (signal.aborted) throw new DOMException('Canceled', 'AbortError');
      await api.uploadChunk({ uploadId, offset, base64 });
      onProgress(Math.min(1, (offset + chunkBytes) / file.size));
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

  constructor(private readonly api: Api) {}

  async start(): Promise<void> {
    try {
      this.datasets = await this.api.listDatasets({});
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Show a project's dataset reference (built-in ones; file references need the file opened again). */
  load(ref: DatasetRef): void {
    if (ref.kind === 'builtin') {
      this.source = 'builtin';
      this.builtinId = ref.id;
      this.params = Object.fromEntries(
        Object.entries(ref.params).filter((e): e is [string, number] => typeof e[1] === 'number'),
      );
    }
    this.shape = null;
    if (ref.kind === 'builtin') void this.fetchShape();
  }

  get builtin(): BuiltinDatasetItem | undefined {
    return this.datasets.find((d) => d.id === this.builtinId);
  }

  /** What a run trains on, or an error sentence when nothing usable is chosen. */
  choice(): DataChoice | string {
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
        missing: u.missing,
        validation: u.validation,
        test: u.test,
      };
    }
    if (!this.builtinId) return 'Choose a dataset.';
    return { kind: 'builtin', id: this.builtinId, params: { ...this.params } };
  }

  /** Choose a built-in dataset (or change its parameters) and summarise it. */
  chooseBuiltin(id: string, params: Record<string, number> = {}): void {
    this.source = 'builtin';
    this.builtinId = id;
    this.params = params;
    this.shape = null;
    void this.fetchShape();
  }

  /** Read a local file and have the engine load and summarise it. */
  async open(file: File): Promise<void> {
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    this.error = null;
    this.loading = 0;
    try {
      const uploadId = await uploadFile(this.api, file, (f) => (this.loading = f * 0.8), abort.signal);
      this.loading = 0.9;
      const r = await this.api.openData({ uploadId, target: null });
      if (abort.signal.aborted) {
        void this.api.closeData({ dataId: r.dataId }).catch(() => {});
        return;
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
      };
      this.source = 'upload';
      this.shape = null;
      // The engine keeps the table of the file in use only.
      if (previous) void this.api.closeData({ dataId: previous }).catch(() => {});
    } catch (e) {
      if ((e as Error).name !== 'AbortError') this.error = (e as Error).message;
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
    if (!u) return;
    try {
      const summary = await this.api.summarizeData({ dataId: u.dataId, target });
      this.upload = { ...u, target, summary };
      this.shape = null;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** The prepared data's shape (features, targets, task), asked of the engine. */
  async fetchShape(): Promise<DataShape | null> {
    const c = this.choice();
    if (typeof c === 'string') {
      this.error = c;
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
