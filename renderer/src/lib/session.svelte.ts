/**
 * The open project: everything but the graph (which the editor owns), its file name, whether it has
 * unsaved changes, autosave after a few idle seconds, and open/save through the Api.
 */
import type {
  Api,
  ExportFormat,
  OpenResult,
  Project,
  Recovery,
  StartPolicy,
  TemplateInfo,
} from '../../../src-engine/protocol/api.ts';
import { readBase64 } from './data.svelte.ts';
import { downloadData } from './download.ts';
import { EditorState } from './editor.svelte.ts';
import { DataState } from './data.svelte.ts';
import { TrainingState } from './training.svelte.ts';

export const AUTOSAVE_IDLE_MS = 3000;

type ProjectMeta = Omit<Project, 'graph'>;

export class Session {
  readonly editor: EditorState;
  readonly data: DataState;
  readonly training: TrainingState;
  meta = $state.raw<ProjectMeta | null>(null);
  fileName = $state<string | null>(null);
  dirty = $state(false);
  /** A message for the user (errors from opening or saving); null hides it. */
  notice = $state<{ kind: 'error' | 'info'; text: string } | null>(null);
  recovery = $state.raw<Recovery | null>(null);
  templates = $state.raw<TemplateInfo[]>([]);
  galleryOpen = $state(false);
  lastAutosave = $state<string | null>(null);
  /** True once start() has loaded templates, the blank project and any recovery copy. */
  ready = $state(false);
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Asks the page for a file to upload (browser host); set by the App. */
  pickUpload: (() => void) | null = null;

  constructor(readonly api: Api) {
    this.editor = new EditorState(() => this.touched());
    this.data = new DataState(api);
    this.training = new TrainingState(api, this.data);
    this.training.ondone = () => void this.recordRun();
  }

  /** Keep a finished run in the project: its weights, its record (for overlays), the fitted preprocessing and the data it used. */
  private async recordRun(): Promise<void> {
    try {
      const r = await this.api.lastRun({});
      const m = this.meta;
      if (!r || !m) return;
      const { preprocessing: _old, ...rest } = m;
      const u = this.data.upload;
      const dataset: ProjectMeta['dataset'] =
        this.data.source === 'upload' && u
          ? {
              kind: 'file',
              path: u.fileName,
              target: u.target,
              options: {
                scaling: u.scaling,
                missing: u.missing,
                validation: u.validation,
                test: u.test,
                ...(u.features ? { features: u.features } : {}),
              },
            }
          : this.data.source === 'builtin' && this.data.builtinId
            ? { kind: 'builtin', id: this.data.builtinId, params: { ...this.data.params } }
            : m.dataset;
      this.meta = {
        ...rest,
        ...(r.preprocessing ? { preprocessing: r.preprocessing } : {}),
        dataset,
        training: r.run.config as unknown as ProjectMeta['training'],
        weights: r.weights,
        runs: [...m.runs, r.run].slice(-20),
      };
      this.touched();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Train asks first whether to continue from the learned weights (true while the question is shown). */
  startChoice = $state(false);

  /**
   * Train the graph on the chosen data with the panel's settings. A project with learned weights (a
   * finished, paused or reopened run) asks first: continue from them, or start fresh.
   */
  async train(start?: StartPolicy): Promise<void> {
    const p = this.project();
    if (!p) return;
    if (!start && this.training.hasModel) {
      this.startChoice = true;
      return;
    }
    this.startChoice = false;
    await this.training.run(p, start ?? 'fresh');
  }

  /** Export the last run (menu or export bar) and say where it went. */
  async exportRun(format: ExportFormat): Promise<void> {
    const msg = await this.training.export(format);
    if (msg) this.notice = { kind: 'info', text: msg };
    else if (this.training.error) this.notice = { kind: 'error', text: this.training.error };
  }

  /** The graph was edited while its run is paused: resuming must restart on the new graph (and asks how). */
  get graphChangedWhilePaused(): boolean {
    return (
      this.training.status === 'paused' &&
      this.training.trainedGraph !== null &&
      this.training.trainedGraph !== JSON.stringify(this.editor.graph)
    );
  }

  /** Set the Input's features and the Output's units, activation and loss to fit the chosen data. */
  async fitNetworkToData(): Promise<void> {
    const shape = await this.data.fetchShape();
    if (!shape) return;
    const g = this.editor.graph;
    const input = g.nodes.find((n) => n.type === 'Input');
    const output = g.nodes.find((n) => n.type === 'Output');
    if (!input || !output) {
      this.data.error = 'The network needs an Input and an Output layer to fit to the data.';
      return;
    }
    // An image Input (for convolutions) takes the images' size; a vector Input takes the feature count.
    const image = shape.sampleShape;
    if (image && input.params.shape === 'image') {
      this.editor.setParam(input.id, 'channels', image[0]);
      this.editor.setParam(input.id, 'height', image[1]);
      this.editor.setParam(input.id, 'width', image[2]);
    } else {
      if (input.params.shape === 'image') this.editor.setParam(input.id, 'shape', 'features');
      this.editor.setParam(input.id, 'features', shape.features);
    }
    this.editor.setParam(output.id, 'units', shape.targets);
    const [activation, loss] =
      shape.task === 'multiclass'
        ? ['softmax', 'cce']
        : shape.task === 'binary'
          ? ['sigmoid', 'bce']
          : ['linear', 'mse'];
    this.editor.setParam(output.id, 'activation', activation!);
    this.editor.setParam(output.id, 'loss', loss!);
  }

  get title(): string {
    return this.editor.name;
  }

  /** The whole project as it stands. */
  project(): Project | null {
    return this.meta ? { ...this.meta, name: this.editor.name, graph: this.editor.graph } : null;
  }

  private show(project: Project, fileName: string | null, dirty = false): void {
    const { graph, ...meta } = project;
    this.meta = meta;
    this.fileName = fileName;
    this.data.load(meta.dataset);
    this.training.load(meta.training, meta.runs);
    this.editor.load(graph, meta.name);
    this.dirty = dirty;
    this.startChoice = false;
    // The project is the truth: its own model, views and exports come back without training.
    const data = this.data.choice();
    void this.training.restore(project, typeof data === 'string' ? null : data);
    // Nothing to fit on an empty canvas (and no zoom animation under the first drop).
    if (graph.nodes.length) queueMicrotask(() => this.editor.view?.fit());
  }

  private fail(e: unknown): void {
    this.notice = { kind: 'error', text: e instanceof Error ? e.message : String(e) };
  }

  private touched(): void {
    this.dirty = true;
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => void this.autosave(), AUTOSAVE_IDLE_MS);
  }

  /** Start: load templates, open the first one (a network ready to train), and look for a recovery copy. */
  async start(): Promise<void> {
    try {
      const [templates, recovery] = await Promise.all([
        this.api.listTemplates({}),
        this.api.getRecovery({}),
        this.data.start(),
        this.training.start(),
      ]);
      this.templates = templates;
      this.show(await this.api.newProject({ templateId: templates[0]?.id ?? null }), null);
      this.recovery = recovery;
    } catch (e) {
      this.fail(e);
    }
    this.ready = true;
  }

  async autosave(): Promise<void> {
    const p = this.project();
    if (!p || !this.dirty) return;
    try {
      this.lastAutosave = (await this.api.autosave({ project: p, fileName: this.fileName })).savedAt;
    } catch (e) {
      this.fail(e);
    }
  }

  async recover(): Promise<void> {
    if (!this.recovery) return;
    this.show(this.recovery.project, this.recovery.fileName, true);
    this.recovery = null;
  }

  async discardRecovery(): Promise<void> {
    this.recovery = null;
    await this.api.clearRecovery({}).catch((e) => this.fail(e));
  }

  async newProject(templateId: string | null): Promise<void> {
    try {
      this.show(await this.api.newProject({ templateId }), null);
      this.galleryOpen = false;
      this.notice = null;
    } catch (e) {
      this.fail(e);
    }
  }

  /** Show a project the host opened itself (a file dropped on the app icon, a menu's recent file). */
  adopt(project: Project, fileName: string): void {
    this.opened({ status: 'opened', project, fileName });
  }

  private opened(r: OpenResult): boolean {
    if (r.status !== 'opened') return false;
    this.show(r.project, r.fileName);
    this.notice = { kind: 'info', text: `Opened ${r.fileName}.` };
    return true;
  }

  /** Open through the host's dialog, or ask the page for an upload where the host has none. */
  async open(): Promise<void> {
    try {
      const r = await this.api.openProject({});
      if (r.status === 'unsupported') this.pickUpload?.();
      else this.opened(r);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Open a file the user uploaded or dropped onto the window (an .onnx file is imported). */
  async openFile(file: File): Promise<void> {
    if (/\.onnx$/i.test(file.name)) return this.importOnnx(file);
    try {
      this.opened(await this.api.importProject({ fileName: file.name, text: await file.text() }));
    } catch (e) {
      this.fail(e);
    }
  }

  /** Import an ONNX model (Netwright's export or another tool's network) as a new, unsaved project. */
  async importOnnx(file: File): Promise<void> {
    try {
      const base64 = await readBase64(file, () => {}, new AbortController().signal);
      const r = await this.api.importOnnx({ fileName: file.name, base64 });
      this.show(r.project, null, true);
      this.notice = {
        kind: 'info',
        text: `Imported ${file.name}: ${r.project.graph.nodes.length} layers with their weights.${r.notes.length ? ` ${r.notes.join(' ')}` : ''}`,
      };
    } catch (e) {
      this.fail(e);
    }
  }

  async save(saveAs = false): Promise<void> {
    const p = this.project();
    if (!p) return;
    try {
      const r = await this.api.saveProject({
        project: p,
        saveAs,
        fileName: this.fileName,
      });
      if (r.status === 'canceled') return;
      if (r.status === 'download') downloadData(r.fileName, r.text, 'application/json');
      this.fileName = r.fileName;
      this.dirty = false;
      clearTimeout(this.autosaveTimer);
      this.notice = {
        kind: 'info',
        text: r.status === 'download' ? `Downloaded ${r.fileName}.` : `Saved ${r.fileName}.`,
      };
    } catch (e) {
      this.fail(e);
    }
  }

  rename(name: string): void {
    this.editor.rename(name);
  }
}
