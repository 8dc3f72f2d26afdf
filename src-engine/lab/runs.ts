/**
 * A project's saved runs as runs to compare. A project file keeps every run's record (its settings,
 * its curve and final metrics, and since runs keep it, the network it trained) but the weights of its
 * last run only; each saved run becomes a project of its own for diffProjects, and says what it lacks
 * so a comparison never passes off the project's present state as an old run's.
 */
import { parseGraph } from '../graph/document.ts';
import type { Project, RunRecord } from '../project/project.ts';
import { trainConfigSchema } from '../train/config.ts';

export interface SavedRun {
  /** The run's id (from its start time). */
  id: string;
  /** A label for people: when it started and how it trained. */
  label: string;
  /** The run as a project: its settings, its network, its record, and the weights where they were saved. */
  project: Project;
  /** What this run does not have to compare, one sentence each. */
  missing: string[];
}

/** "2026-12-05T02:10:33.123Z" as "2026-12-05 02:10". */
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** Every saved run of a project, oldest first. */
export function savedRuns(project: Project): SavedRun[] {
  const n = project.runs.length;
  return project.runs.map((run, i) => savedRun(project, run, i === n - 1, i));
}

function savedRun(project: Project, run: RunRecord, last: boolean, index: number): SavedRun {
  const missing: string[] = [];
  const parsed = trainConfigSchema.safeParse(run.config);
  if (!parsed.success) missing.push("Its settings could not be read, so the project's settings stand in for them.");
  const training = parsed.success ? parsed.data : project.training;
  const own = run.graph ? parseGraph(run.graph) : null;
  let graph = own?.ok ? own.graph : null;
  if (!graph) {
    graph = project.graph;
    missing.push(
      last
        ? "Its network was not saved with it; the project's network (the one its weights belong to) stands in."
        : "Its network was not saved with it (an older file), so the project's network stands in: the architecture diff may not be this run's.",
    );
  }
  const weights = last ? project.weights : undefined;
  if (!weights)
    missing.push(
      last
        ? 'The project has no weights saved, so weights are not compared.'
        : "Its weights were not kept (a project keeps only its last run's weights), so weight changes, boundaries and confusion matrices are not compared.",
    );
  if (!run.epochs.length) missing.push('It recorded no epochs, so it has no curve.');
  // Checkpoints and weights belong to the last run only; the rest of the project is shared.
  const { checkpoints: _checkpoints, weights: _weights, ...rest } = project;
  const opt = training.optimizer;
  const epochs = run.epochs.length;
  return {
    id: run.id,
    label: `saved run ${index + 1} (${when(run.startedAt)}): ${opt.name}, lr ${opt.lr}, ${epochs} epoch${epochs === 1 ? '' : 's'}`,
    project: { ...rest, graph, training, runs: [run], ...(weights ? { weights } : {}) },
    missing,
  };
}
