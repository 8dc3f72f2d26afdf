/**
 * The engine work behind the Api: templates, new projects, parsing (with migration) and serialising,
 * training, views, exports and ONNX import. They run in the engine worker thread, or inline in tests.
 */
import { projectFromModelFile } from '../../onnx/import.ts';
import { parseProject, serializeProject, type Project } from '../../project/project.ts';
import type { ApiEvent, EngineMethod, RequestOf, ResultOf, TemplateInfo } from '../../protocol/api.ts';
import type { ExportFormat } from '../../protocol/training.ts';
import { listTemplates, newProject } from '../../train/templates.ts';
import { TrainingService } from './training.ts';
import { diffProjects } from '../../lab/diff.ts';
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

/** Parse project text or a value (migrating older versions); throws ProjectError with a clear message. */
export function readProject(input: unknown, fileName: string): Project {
  return parseProject(input, fileName);
}

/** Validate a project value and serialise it for writing. */
export function projectText(value: unknown, fileName: string): string {
  return serializeProject(parseProject(value, fileName));
}

/**
 * The engine's side of the Api: each method of ENGINE_METHODS under its Api name (the hosts forward
 * them unchanged), plus the few operations the hosts need for their own methods.
 */
export function createEngineOps(emit: (e: ApiEvent) => void) {
  const training = new TrainingService(emit);
  const uploads = new Uploads(() => envLimits().maxUploadBytes);
  const api: EngineApi = {
    listTemplates: () => templates(),
    newProject: ({ templateId }) => newProject(templateId),
    listDatasets: () => training.datasets(),
    listProviders: () => training.providers(),
    uploadBegin: ({ fileName, size }) => uploads.begin(fileName, size),
    uploadChunk: ({ uploadId, offset, base64 }) => uploads.chunk(uploadId, offset, Buffer.from(base64, 'base64')),
    uploadCancel: async ({ uploadId }) => ({ canceled: await uploads.discard(uploadId) }),
    // Load a complete upload; its temp file is removed whether or not it loads.
    // IDX images come with their labels as a second upload; once both are complete, both temp files go.
    openData: async ({ uploadId, target, labelsUploadId, delimiter, textColumns }) => {
      // An upload not complete yet stays, for its missing chunks.
      const { file, fileName } = await uploads.complete(uploadId);
      const labels = labelsUploadId ? await uploads.complete(labelsUploadId) : null;
      try {
        return await training.openData(file, fileName, target, {
          ...(labels ? { labelsPath: labels.file } : {}),
          ...(delimiter || textColumns?.length
            ? {
                csv: {
                  ...(delimiter ? { delimiter } : {}),
                  ...(textColumns?.length
                    ? { columnTypes: Object.fromEntries(textColumns.map((c) => [c, 'string' as const])) }
                    : {}),
                },
              }
            : {}),
        });
      } finally {
        await uploads.discard(uploadId);
        if (labelsUploadId) await uploads.discard(labelsUploadId);
      }
    },
    closeData: ({ dataId }) => ({ closed: training.closeData(dataId) }),
    summarizeData: ({ dataId, target, columnTypes }) => training.summary(dataId, target, columnTypes),
    dataShape: ({ data }) => training.shape(data),
    trainStart: (req) => training.start(req),
    trainControl: ({ action }) => training.control(action),
    restoreRun: (req) => training.restore(req),
    runViews: (req) => training.runViews(req),
    viewOptions: (req) => training.viewOptions(req),
    lastRun: () => training.lastRunRecord(),
    importOnnx: ({ fileName, base64 }) => projectFromModelFile(Buffer.from(base64, 'base64'), fileName),
    traceStep: (req) => training.trace(req),
    diffProjects: ({ a, b }) => diffProjects(a, b),
    sweepStart: (req) => training.sweepStart(req),
    sweepStop: ({ sweepId }) => training.sweepStop(sweepId),
    sweepResult: ({ sweepId, index }) => training.sweepResult(sweepId, index),
  };
  return {
    ...api,
    readProject,
    projectText,
    exportFile: (format: ExportFormat) => training.export(format),
  };
}

/** The engine methods of the Api, answered synchronously or not. */
type EngineApi = {
  [K in EngineMethod]: (req: RequestOf<K>) => ResultOf<K> | Promise<ResultOf<K>>;
};

export type EngineOps = ReturnType<typeof createEngineOps>;

/** The operation names, for the worker client. */
export const ENGINE_OP_NAMES = Object.keys(createEngineOps(() => {})) as (keyof EngineOps)[];
