/**
 * The open project: everything but the graph (which the editor owns), its file name, whether it has
 * unsaved changes, autosave after a few idle seconds, open/save/recent through the Api, what stops
 * training (the problems bar), the questions the app asks (unsaved changes), and the notifications.
 */
import type {
  Api,
  ExportFormat,
  OpenResult,
  Project,
  RecentFile,
  Recovery,
  StartPolicy,
  TemplateInfo,
} from '../../../src-engine/protocol/api.ts';
import { withRun } from '../../../src-engine/protocol/index.ts';
import { downloadData } from './download.ts';
import { EditorState } from './editor.svelte.ts';
import { DataState, readBase64 } from './data.svelte.ts';
import type { FolderFile } from './folder.ts';
import { Notices } from './notices.svelte.ts';
import { TrainingState } from './training.svelte.ts';
import { readableError } from './field-checks.ts';
import { applySettings } from './train-settings.ts';
import { dataProblems, networkProblems, type FixAction, type Problem } from './problems.ts';

export const AUTOSAVE_IDLE_MS = 3000;

type ProjectMeta = Omit<Project, 'graph'>;

/** A question the app asks in a dialog; resolves with the chosen value ('cancel' on Escape). */
export interface Question {
  title: string;
  text: string;
  choices: { value: string; label: string; primary?: boolean }[];
}

export class Session {
  readonly editor: EditorState;
  readonly data: DataState;
  readonly training: TrainingState;
  readonly notices = new Notices();
  #meta = $state.raw<ProjectMeta | null>(null);
  #fileName = $state<string | null>(null);
  #dirty = $state(false);
  #recovery = $state.raw<Recovery | null>(null);
  #templates = $state.raw<TemplateInfo[]>([]);
  #recent = $state.raw<RecentFile[]>([]);
  #question = $state.raw<(Question & { resolve: (value: string) => void }) | null>(null);
  #galleryOpen = $state(false);
  /** True once start() has loaded templates, the first project and any recovery copy. */
  #ready = $state(false);
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Asks the page for a file to upload (browser host); set by the App. */
  pickUpload: (() => void) | null = null;

  constructor(readonly api: Api) {
    const lock = (what: string) => () =>
      this.training.running ? `Training is running: pause or stop it to change the ${what}.` : null;
    this.editor = new EditorState(() => this.touched(), lock('network'));
    this.data = new DataState(api, lock('data'), () => this.touched());
    this.training = new TrainingState(api, () => this.inputsKey());
    this.training.ondone = () => void this.recordRun();
    this.training.onrundelete = (id, label) => this.deleteRun(id, label);
    this.notices.watch('train', () => this.training.error);
    this.notices.watch('data', () => this.data.error);
  }

  get meta(): ProjectMeta | null {
    return this.#meta;
  }
  get fileName(): string | null {
    return this.#fileName;
  }
  get dirty(): boolean {
    return this.#dirty;
  }
  get recovery(): Recovery | null {
    return this.#recovery;
  }
  get templates(): readonly TemplateInfo[] {
    return this.#templates;
  }
  get recent(): readonly RecentFile[] {
    return this.#recent;
  }
  get question(): Question | null {
    return this.#question;
  }
  get galleryOpen(): boolean {
    return this.#galleryOpen;
  }
  get ready(): boolean {
    return this.#ready;
  }
  get title(): string {
    return this.editor.name;
  }

  /** Everything a run depends on, as one string: messages about a failed start show while it is unchanged. */
  private inputsKey(): string {
    return JSON.stringify([this.editor.graph, this.data.choice(), this.training.settings, this.training.fieldErrors]);
  }

  /** What stops training (errors) or may train badly (warnings): the network's, the data's, the settings'. */
  get problems(): Problem[] {
    const facts = this.data.facts;
    const training = [...this.training.fieldErrors, ...this.data.fieldErrors].map((message): Problem => ({
      severity: 'error',
      area: 'training',
      message,
      nodeIds: [],
    }));
    // Nothing chosen to train on (a blank project, a file that is not open here).
    const choice = this.data.choice();
    const noData: Problem[] =
      typeof choice === 'string' && !this.data.fieldErrors.length && this.editor.graph.nodes.length
        ? [{ severity: 'error', area: 'data', message: `No data to train on: ${choice}`, nodeIds: [] }]
        : [];
    return [
      ...networkProblems(this.editor.analysis),
      ...(facts ? dataProblems(this.editor.graph, facts) : []),
      ...noData,
      ...training,
    ];
  }

  /** The problems that stop training. */
  get blocking(): Problem[] {
    return this.problems.filter((p) => p.severity === 'error');
  }

  /** Apply a problem's one-click fix (moving the keyboard to a control is the page's job). */
  applyFix(action: FixAction): void {
    if (action.kind === 'params') this.editor.setParams(action.changes);
    else if (action.kind === 'missing') this.data.setMissing(action.policy);
  }

  /** Ask a question in a dialog; resolves with the chosen value. */
  ask(q: Question): Promise<string> {
    this.#question?.resolve('cancel');
    return new Promise((resolve) => {
      this.#question = {
        ...q,
        resolve: (v) => {
          this.#question = null;
          resolve(v);
        },
      };
    });
  }

  /** Answer the open question (the dialog's buttons; Escape answers 'cancel'). */
  answer(value: string): void {
    this.#question?.resolve(value);
  }

  /** Before the project is replaced: save, discard or cancel unsaved changes. True to go on. */
  async guardUnsaved(doing: string): Promise<boolean> {
    if (!this.#dirty) return true;
    const v = await this.ask({
      title: 'Unsaved changes',
      text: `“${this.title}” has changes that are not saved. Save them before ${doing}?`,
      choices: [
        { value: 'save', label: 'Save', primary: true },
        { value: 'discard', label: 'Don’t save' },
        { value: 'cancel', label: 'Cancel' },
      ],
    });
    if (v === 'save') return this.save(false);
    return v === 'discard';
  }

  /** Keep a finished run in the project: its weights, its record (for overlays), the fitted preprocessing and the data it used. */
  private async recordRun(): Promise<void> {
    try {
      const r = await this.api.lastRun({});
      const m = this.#meta;
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
                ...(u.pixels ? { pixels: u.pixels } : {}),
                missing: u.missing,
                validation: u.validation,
                test: u.test,
                ...(u.features ? { features: u.features } : {}),
              },
            }
          : (this.data.builtinRef?.dataset ?? m.dataset);
      this.#meta = {
        ...rest,
        ...(r.preprocessing ? { preprocessing: r.preprocessing } : {}),
        dataset,
        training: r.training,
        weights: r.weights,
        checkpoints: r.checkpoints,
        runs: withRun(m.runs, r.run),
      };
      this.touched();
    } catch (e) {
      this.fail('project', e);
    }
  }

  /**
   * Delete an earlier run (the run list's ×): asked first, then taken out of the project too, which
   * then has unsaved changes (so Save writes it without the run). True when deleted.
   */
  private async deleteRun(id: string, label: string): Promise<boolean> {
    const inProject = !!this.#meta?.runs.some((r) => r.id === id);
    const v = await this.ask({
      title: 'Delete run',
      text: inProject
        ? `Delete “${label}” from the chart and from the project? Saving the project then leaves it out for good.`
        : `Delete “${label}” from the chart?`,
      choices: [
        { value: 'delete', label: 'Delete', primary: true },
        { value: 'cancel', label: 'Cancel' },
      ],
    });
    if (v !== 'delete') return false;
    const m = this.#meta;
    if (m && inProject) {
      this.#meta = { ...m, runs: m.runs.filter((r) => r.id !== id) };
      this.touched();
    }
    return true;
  }

  /** Train asks first whether to continue from the learned weights (true while the question is shown). */
  #startChoice = $state(false);
  get startChoice(): boolean {
    return this.#startChoice;
  }
  /** Close the continue-or-fresh question without training. */
  cancelStartChoice(): void {
    this.#startChoice = false;
  }

  /**
   * Train the graph on the chosen data with the panel's settings. What stops training is in the
   * problems bar already; pressing Train then says so beside the button instead of trying. A network
   * with learned weights (a finished or reopened run) asks first: continue from them, or start fresh.
   */
  async train(start?: StartPolicy, from: number | null = null): Promise<void> {
    const p = this.projectToTrain();
    if (!p) return;
    const shape = this.data.shape ?? (await this.data.fetchShape());
    // What stops training is said first: there is no point asking how to start a run that cannot.
    const blocking = this.blocking;
    if (blocking.length) {
      this.#startChoice = false;
      this.training.refuse(
        blocking.length === 1
          ? `Training cannot start: ${blocking[0]!.message}`
          : `Training cannot start: ${blocking.length} problems, listed under the canvas, need fixing first.`,
      );
      return;
    }
    // A fork from a checkpoint says where it starts: nothing to ask.
    if (!start && from === null && this.training.hasModel && this.training.status !== 'paused') {
      this.#startChoice = true;
      return;
    }
    this.#startChoice = false;
    const data = this.data.choice();
    if (typeof data === 'string') {
      this.training.refuse(`Training cannot start: ${data}`);
      return;
    }
    await this.training.run(p, data, shape, start ?? 'fresh', from);
  }

  /** Export the last run (menu or export bar) and say where it went. */
  async exportRun(format: ExportFormat): Promise<void> {
    if (!this.training.hasModel) {
      this.notices.error('export', 'Nothing to export yet: train the network first.', () =>
        String(this.training.hasModel),
      );
      return;
    }
    try {
      const msg = await this.training.export(format);
      this.notices.clear('export');
      if (msg) this.notices.info('export', msg);
    } catch (e) {
      // A new run makes another model: the message is about this one.
      this.notices.error('export', (e as Error).message, () => String(this.training.runId));
    }
  }

  /** What changed since the paused run started (the Training panel asks how to go on), or null. */
  get pausedChanges(): { graph: boolean; data: boolean; shapesMatch: boolean | null } | null {
    const t = this.training.trained;
    if (this.training.status !== 'paused' || !t) return null;
    const graph = t.graph !== JSON.stringify(this.editor.graph);
    const choice = this.data.choice();
    const data = typeof choice !== 'string' && t.data !== JSON.stringify(choice);
    if (!graph && !data) return null;
    const now = this.data.shape;
    const shapesMatch =
      !data || !t.shape ? true : now ? now.features === t.shape.features && now.targets === t.shape.targets : null;
    return { graph, data, shapesMatch };
  }

  /** Set the Input's features and the Output's units, activation and loss to fit the chosen data (one undo step). */
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
    const [activation, loss] =
      shape.task === 'multiclass'
        ? ['softmax', 'cce']
        : shape.task === 'binary'
          ? ['sigmoid', 'bce']
          : ['linear', 'mse'];
    // An image Input (for convolutions) takes the images' size; a vector Input takes the feature count.
    const image = shape.sampleShape;
    const inputChanges =
      image && input.params.shape === 'image'
        ? [
            { nodeId: input.id, name: 'channels', value: image[0] },
            { nodeId: input.id, name: 'height', value: image[1] },
            { nodeId: input.id, name: 'width', value: image[2] },
          ]
        : [
            ...(input.params.shape === 'image' ? [{ nodeId: input.id, name: 'shape', value: 'features' }] : []),
            { nodeId: input.id, name: 'features', value: shape.features },
          ];
    this.editor.setParams([
      ...inputChanges,
      { nodeId: output.id, name: 'units', value: shape.targets },
      { nodeId: output.id, name: 'activation', value: activation! },
      { nodeId: output.id, name: 'loss', value: loss! },
    ]);
  }

  /** Open a data file (picked or dropped); while a run is going the data stays as it is. */
  openData(files: readonly File[]): Promise<void> {
    return this.#openData(() => this.data.open(files));
  }

  /** Open an image folder (one subfolder per class), picked in the Data panel or dropped on the window. */
  openFolder(files: readonly FolderFile[] | Promise<FolderFile[]>): Promise<void> {
    return this.#openData(() => this.data.openFolder(files));
  }

  async #openData(open: () => Promise<boolean>): Promise<void> {
    const why = this.data.locked;
    if (why) {
      this.notices.error('data', why, () => String(this.data.locked));
      return;
    }
    // A file that could not be read keeps its sentence (the shape of the data still in use would clear it).
    if (await open()) void this.data.fetchShape();
  }

  /** Change training settings the panel does not show (the lab's checkpoint interval), as an edit of the project. */
  setTrainingOptions(patch: Partial<Project['training']>): void {
    const m = this.#meta;
    if (!m) return;
    this.#meta = { ...m, training: { ...m.training, ...patch } };
    this.touched();
  }

  /**
   * Before training: the chosen data and the untrained model's views (its weights from the seed), as
   * soon as both are there; nothing while a trained model or a run is on screen.
   */
  previewUntrained(): void {
    if (this.training.hasModel || this.training.status !== 'idle') return;
    const project = this.project();
    const data = this.data.choice();
    if (!project || project.weights || typeof data === 'string') return;
    // An untrained convolutional network has no boundary to show, and its image views cost seconds
    // of the engine's time after every edit (a run would queue behind them): images wait for training.
    if (project.graph.nodes.some((n) => n.type === 'Input' && n.params.shape === 'image')) return;
    void this.training.preview(project, data);
  }

  /** The whole project as it stands. */
  project(): Project | null {
    const m = this.#meta;
    if (!m) return null;
    // Built-in data is kept as chosen (its seeded parameters and held-out share), so reopening gives the same points.
    const b = this.data.builtinRef;
    const data = b ? { dataset: b.dataset, training: { ...m.training, validationSplit: b.validation } } : {};
    return { ...m, ...data, name: this.editor.name, graph: this.editor.graph };
  }

  /**
   * The project as Train runs it: the training panel's settings (typed a moment ago, perhaps unsaved)
   * applied to its stored ones. The learning lab's step, traces and sweeps use it too, so they show
   * the run Train would start.
   */
  projectToTrain(): Project | null {
    const p = this.project();
    return p && { ...p, training: applySettings(p.training, this.training.settings, this.data.trainerValidation) };
  }

  private show(project: Project, fileName: string | null, dirty = false): void {
    const { graph, ...meta } = project;
    this.#meta = meta;
    this.#fileName = fileName;
    this.data.load(meta.dataset, meta.training.validationSplit);
    this.training.load(meta.training, meta.runs);
    this.editor.load(graph, meta.name);
    this.#dirty = dirty;
    this.#startChoice = false;
    // The project is the truth: its own model, views and exports come back without training.
    const data = this.data.choice();
    void this.training.restore(project, typeof data === 'string' ? null : data);
    // Nothing to fit on an empty canvas (and no zoom animation under the first drop).
    if (graph.nodes.length) queueMicrotask(() => this.editor.view?.fit());
  }

  private fail(source: 'project' | 'save', e: unknown): void {
    const text = readableError(e instanceof Error ? e.message : String(e));
    // A failure to open is about the project shown then: another one makes it moot.
    this.notices.error(source, text, source === 'project' ? () => `${this.#fileName}|${this.#meta?.name}` : null);
  }

  private touched(): void {
    this.#dirty = true;
    clearTimeout(this.autosaveTimer);
    this.autosaveTimer = setTimeout(() => void this.autosave(), AUTOSAVE_IDLE_MS);
  }

  /** Start: load templates, reopen the last project (or open the first template), look for a recovery copy. */
  async start(): Promise<void> {
    try {
      const [templates, recovery, recent] = await Promise.all([
        this.api.listTemplates({}),
        this.api.getRecovery({}),
        this.api.listRecent({}),
        this.data.start(),
        this.training.start(),
      ]);
      this.#templates = templates;
      this.#recent = recent;
      let shown = false;
      const last = recent[0];
      if (last) {
        try {
          shown = this.opened(await this.api.openRecent({ id: last.id }), false);
        } catch (e) {
          this.notices.error('project', `Could not reopen the last project: ${readableError((e as Error).message)}`);
          void this.refreshRecent();
        }
      }
      if (!shown) this.show(await this.api.newProject({ templateId: templates[0]?.id ?? null }), null);
      this.#recovery = recovery;
    } catch (e) {
      this.fail('project', e);
    }
    this.#ready = true;
  }

  private async refreshRecent(): Promise<void> {
    try {
      this.#recent = await this.api.listRecent({});
    } catch {
      // The list is a convenience; opening and saving work without it.
    }
  }

  async autosave(): Promise<void> {
    const p = this.project();
    if (!p || !this.#dirty) return;
    try {
      await this.api.autosave({ project: p, fileName: this.#fileName });
    } catch (e) {
      this.fail('save', e);
    }
  }

  recover(): void {
    if (!this.#recovery) return;
    this.show(this.#recovery.project, this.#recovery.fileName, true);
    this.#recovery = null;
  }

  async discardRecovery(): Promise<void> {
    this.#recovery = null;
    await this.api.clearRecovery({}).catch((e) => this.fail('save', e));
  }

  /** Show the template gallery, after asking about unsaved changes. */
  async chooseNew(): Promise<void> {
    if (await this.guardUnsaved('starting a new project')) this.#galleryOpen = true;
  }

  closeGallery(): void {
    this.#galleryOpen = false;
  }

  /** A new project from a template (or blank); the gallery asked about unsaved changes already. */
  async newProject(templateId: string | null): Promise<void> {
    try {
      this.show(await this.api.newProject({ templateId }), null);
      this.#galleryOpen = false;
      this.notices.clear('project');
    } catch (e) {
      this.fail('project', e);
    }
  }

  /** Show a project the host opened itself (a file dropped on the app icon), after asking about unsaved changes. */
  async adopt(project: Project, fileName: string): Promise<void> {
    if (await this.guardUnsaved(`opening ${fileName}`)) this.opened({ status: 'opened', project, fileName });
  }

  private opened(r: OpenResult, announce = true): boolean {
    if (r.status !== 'opened') return false;
    this.show(r.project, r.fileName);
    this.notices.clear('project');
    if (announce) this.notices.info('project', `Opened ${r.fileName}.`);
    void this.refreshRecent();
    return true;
  }

  /** Open through the host's dialog, or ask the page for an upload where the host has none. */
  async open(): Promise<void> {
    if (!(await this.guardUnsaved('opening another project'))) return;
    try {
      const r = await this.api.openProject({});
      if (r.status === 'unsupported') this.pickUpload?.();
      else this.opened(r);
    } catch (e) {
      this.fail('project', e);
    }
  }

  /** Open a recent project. */
  async openRecent(id: string): Promise<void> {
    const entry = this.#recent.find((r) => r.id === id);
    if (!(await this.guardUnsaved(`opening ${entry?.fileName ?? 'another project'}`))) return;
    try {
      this.opened(await this.api.openRecent({ id }));
    } catch (e) {
      this.fail('project', e);
      void this.refreshRecent();
    }
  }

  /** Open a file the user uploaded (after Open, which asked already) or dropped onto the window. */
  async openFile(file: File, dropped = false): Promise<void> {
    if (dropped && !(await this.guardUnsaved(`opening ${file.name}`))) return;
    if (/\.onnx$/i.test(file.name)) return this.importOnnx(file);
    try {
      this.opened(await this.api.importProject({ fileName: file.name, text: await file.text() }));
    } catch (e) {
      this.fail('project', e);
    }
  }

  /** Import an ONNX model (Netwright's export or another tool's network) as a new, unsaved project. */
  async importOnnx(file: File): Promise<void> {
    try {
      const base64 = await readBase64(file, file.name, new AbortController().signal);
      const r = await this.api.importOnnx({ fileName: file.name, base64 });
      this.show(r.project, null, true);
      this.notices.info(
        'project',
        `Imported ${file.name}: ${r.project.graph.nodes.length} layers with their weights.${r.notes.length ? ` ${r.notes.join(' ')}` : ''}`,
      );
    } catch (e) {
      this.fail('project', e);
    }
  }

  /** Save (or Save As); true when the project was saved (or handed over as a download). */
  async save(saveAs = false): Promise<boolean> {
    const p = this.project();
    if (!p) return false;
    try {
      const r = await this.api.saveProject({
        project: p,
        saveAs,
        fileName: this.#fileName,
      });
      if (r.status === 'canceled') return false;
      if (r.status === 'download') downloadData(r.fileName, r.text, 'application/json');
      this.#fileName = r.fileName;
      this.#dirty = false;
      clearTimeout(this.autosaveTimer);
      this.notices.clear('save');
      this.notices.info('save', r.status === 'download' ? `Downloaded ${r.fileName}.` : `Saved ${r.fileName}.`);
      void this.refreshRecent();
      return true;
    } catch (e) {
      this.fail('save', e);
      return false;
    }
  }

  rename(name: string): void {
    this.editor.rename(name);
  }
}
