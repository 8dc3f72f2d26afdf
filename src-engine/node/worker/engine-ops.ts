/**
 * The engine work behind the Api, as plain functions: templates, new projects, parsing (with
 * migration) and serialising. They run in the engine worker thread, or inline in tests.
 */
import { GRAPH_FORMAT, GRAPH_VERSION } from '../../graph/document.ts';
import {
  PROJECT_FORMAT,
  PROJECT_VERSION,
  parseProject,
  serializeProject,
  type Project,
} from '../../project/project.ts';
import { makeTrainConfig } from '../../train/config.ts';
import { listTemplates } from '../../train/templates.ts';
import type { ApiEvent, TemplateInfo } from '../../protocol/api.ts';
import type { DataChoice } from '../../protocol/training.ts';
import { TrainingService } from './training.ts';
import { exportRun } from './export-run.ts';
import { Uploads } from '../data/uploads.ts';
import { envLimits } from '../limits.ts';

/** Every template of the engine, as the gallery shows them. */
export function templates(): TemplateInfo[] {
  return listTemplates().map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    graph: t.graph,
    training: t.training,
    dataset: t.dataset,
  }));
}

/** A blank project, or one started from a template (throws when the id is unknown). */
export function newProject(templateId: string | null): Project {
  if (templateId === null) {
    return {
      format: PROJECT_FORMAT,
      version: PROJECT_VERSION,
      name: 'Untitled',
      graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] },
      dataset: { kind: 'none' },
      training: makeTrainConfig({}),
      runs: [],
    };
  }
  const t = listTemplates().find((x) => x.id === templateId);
  if (!t) throw new RangeError(`There is no template '${templateId}'.`);
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: t.name,
    template: t.id,
    graph: structuredClone(t.graph),
    dataset: structuredClone(t.dataset),
    training: structuredClone(t.training),
    runs: [],
  };
}

/** Parse project text or a value (migrating older versions); throws ProjectError with a clear message. */
export function readProject(input: unknown, fileName: string): Project {
  return parseProject(input, fileName);
}

/** Validate a project value and serialise it for writing. */
export function projectText(value: unknown, fileName: string): string {
  return serializeProject(parseProject(value, fileName));
}

/** Every engine operation; training ops push their progress through `emit`. */
export function createEngineOps(emit: (e: ApiEvent) => void) {
  const training = new TrainingService(emit);
  const uploads = new Uploads(() => envLimits().maxUploadBytes);
  return {
    templates,
    newProject,
    readProject,
    projectText,
    datasets: () => training.datasets(),
    providers: () => training.providers(),
    uploadBegin: (fileName: string, size: number) => uploads.begin(fileName, size),
    uploadChunk: (uploadId: string, offset: number, base64: string) =>
      uploads.chunk(uploadId, offset, Buffer.from(base64, 'base64')),
    uploadCancel: (uploadId: string) => uploads.discard(uploadId),
    /** Load a complete upload; its temp file is removed whether or not it loads. */
    openData: async (uploadId: string, target: string | null) => {
      const { file, fileName } = await uploads.complete(uploadId);
      try {
        return await training.openData(file, fileName, target);
      } finally {
        await uploads.discard(uploadId);
      }
    },
    closeData: (dataId: string) => training.closeData(dataId),
    summarizeData: (dataId: string, target: string | null) => training.summary(dataId, target),
    dataShape: (choice: DataChoice) => training.shape(choice),
    trainStart: (req: Parameters<TrainingService['start']>[0]) => training.start(req),
    trainControl: (action: Parameters<TrainingService['control']>[0]) => training.control(action),
    viewOptions: (opts: Parameters<TrainingService['viewOptions']>[0]) => training.viewOptions(opts),
    lastRun: () => training.lastRunRecord(),
    exportRun: (format: Parameters<typeof exportRun>[1]) => exportRun(training.lastRun(), format),
  };
}

export type EngineOps = ReturnType<typeof createEngineOps>;

/** The operation names, for the worker client. */
export const ENGINE_OP_NAMES = Object.keys(createEngineOps(() => {})) as (keyof EngineOps)[];
