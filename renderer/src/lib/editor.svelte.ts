/**
 * The editor's state: the graph (source of truth, immutable snapshots), its analysis, the selection,
 * the canvas's node and edge arrays made from them, undo/redo, and the clipboard.
 */
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import { connectionProblem } from '../../../src-engine/graph/validate.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc, type ParamValue } from '../../../src-engine/graph/document.ts';
import type { LayerType } from '../../../src-engine/graph/catalog.ts';
import { UndoHistory } from './history.ts';
import { flowPositions, graphToFlow, idSet, type LayerFlowEdge, type LayerFlowNode } from './flow-mapping.ts';
import * as edits from './graph-edits.ts';
import { autoLayout } from './layout.ts';

export const emptyGraph = (): GraphDoc => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] });

/** What the canvas lends the editor so menus and shortcuts can move the view. */
export interface ViewControls {
  fit(): void;
  zoomIn(): void;
  zoomOut(): void;
  focus(nodeId: string): void;
  /** The flow position at the middle of the visible canvas. */
  center(): { x: number; y: number };
}

export class EditorState {
  graph = $state.raw<GraphDoc>(emptyGraph());
  analysis = $derived(analyzeGraph(this.graph));
  selected = $state.raw<ReadonlySet<string>>(idSet());
  /** Bound to Svelte Flow, which also writes to them (drag positions, measured sizes, selection). */
  nodes = $state.raw<LayerFlowNode[]>([]);
  edges = $state.raw<LayerFlowEdge[]>([]);
  canUndo = $state(false);
  canRedo = $state(false);
  /** Why the last edit (a connection, or any edit while training runs) was refused, shown briefly on the canvas. */
  refusal = $state<string | null>(null);
  view: ViewControls | null = null;

  /** The project's name: edited like the graph, so renaming is undoable too. */
  name = $state('Untitled');
  private history = new UndoHistory<{ graph: GraphDoc; name: string }>();
  private clipboard: edits.Fragment | null = null;
  /** Changes when the clipboard does, so menus can offer Paste. */
  #clipVersion = $state(0);
  private pasteCount = 0;
  private refusalTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param onEdit called after every edit (the session marks the project unsaved)
   * @param lockedBy why the network cannot change now (a run is going), or null; moving layers is always allowed
   */
  constructor(
    private readonly onEdit: () => void = () => {},
    private readonly lockedBy: () => string | null = () => null,
  ) {
    this.sync();
  }

  /** Why the network cannot change now, or null. */
  get locked(): string | null {
    return this.lockedBy();
  }

  /** The one selected node, when exactly one is selected. */
  get selectedNode() {
    const ids = [...this.selected].filter((id) => this.graph.nodes.some((n) => n.id === id));
    return ids.length === 1 ? this.graph.nodes.find((n) => n.id === ids[0])! : null;
  }

  /** Replace the graph without an undo step (opening a project). */
  load(graph: GraphDoc, name = 'Untitled'): void {
    this.history.clear();
    this.graph = graph;
    this.name = name;
    this.selected = idSet();
    this.nodes = [];
    this.sync();
    this.updateFlags();
  }

  /**
   * Apply an edit as one undo step (edits with the same coalesce key in a burst merge). While the
   * network is locked only moves (`layoutOnly`) and renaming the project go through.
   */
  commit(next: GraphDoc, coalesce: string | null = null, name = this.name, layoutOnly = false): void {
    if (next === this.graph && name === this.name) return;
    const why = next !== this.graph && !layoutOnly ? this.lockedBy() : null;
    if (why) {
      this.refuse(why);
      this.sync();
      return;
    }
    this.history.record({ graph: this.graph, name: this.name }, coalesce);
    this.graph = next;
    this.name = name;
    this.sync();
    this.updateFlags();
    this.onEdit();
  }

  /** Rename the project (one undo step per burst of typing). */
  rename(name: string): void {
    if (name.trim()) this.commit(this.graph, 'name', name.trim());
  }

  undo(): void {
    if (this.#refusedWhileLocked()) return;
    const prev = this.history.undo({ graph: this.graph, name: this.name });
    if (prev) this.restore(prev);
  }

  redo(): void {
    if (this.#refusedWhileLocked()) return;
    const next = this.history.redo({ graph: this.graph, name: this.name });
    if (next) this.restore(next);
  }

  private restore({ graph: g, name }: { graph: GraphDoc; name: string }): void {
    this.graph = g;
    this.name = name;
    const ids = idSet([...g.nodes.map((n) => n.id), ...g.edges.map((e) => e.id)]);
    this.selected = idSet([...this.selected].filter((id) => ids.has(id)));
    this.sync();
    this.updateFlags();
    this.onEdit();
  }

  private updateFlags(): void {
    this.canUndo = this.history.canUndo;
    this.canRedo = this.history.canRedo;
  }

  /** Rebuild the canvas arrays from the graph. */
  sync(): void {
    const flow = graphToFlow(this.graph, this.analysis, this.selected, this.nodes);
    this.nodes = flow.nodes;
    this.edges = flow.edges;
  }

  select(ids: Iterable<string>): void {
    this.selected = idSet(ids);
    this.sync();
  }

  /** Called by the canvas when its selection changes. */
  selectionChanged(ids: string[]): void {
    const next = idSet(ids);
    if (next.size === this.selected.size && ids.every((id) => this.selected.has(id))) return;
    this.selected = next;
  }

  /** Add a layer at (or, when that spot is taken, nearest to) a position; returns its id, or null when refused. */
  addNode(type: LayerType, position: { x: number; y: number }): string | null {
    const r = edits.addNode(this.graph, type, edits.freePosition(this.graph, position));
    this.commit(r.graph);
    if (this.graph !== r.graph) return null;
    this.select([r.id]);
    return r.id;
  }

  /** Put a new layer on an edge, between its two layers. */
  insertOnEdge(edgeId: string, type: LayerType): void {
    const r = edits.insertOnEdge(this.graph, edgeId, type);
    if (!r) return;
    this.commit(r.graph);
    if (this.graph === r.graph) this.select([r.id]);
  }

  /** Copies of the selected layers (and the edges among them) beside them; the clipboard is untouched. */
  duplicate(ids: Iterable<string> = this.selected): void {
    const frag = edits.copyFragment(this.graph, ids);
    if (!frag.nodes.length) return;
    const r = edits.pasteFragment(this.graph, frag, { x: 40, y: 40 });
    this.commit(r.graph);
    if (this.graph === r.graph) this.select(r.ids);
  }

  /** Why source → target is not allowed, or null. */
  connectionProblem(source: string, target: string): string | null {
    return connectionProblem(this.graph, source, target);
  }

  connect(source: string, target: string): boolean {
    const reason = this.connectionProblem(source, target);
    if (reason) {
      this.refuse(`Connection refused: ${reason}`);
      this.sync();
      return false;
    }
    this.commit(edits.addEdge(this.graph, source, target));
    return true;
  }

  /** The user closed the refusal message. */
  dismissRefusal(): void {
    clearTimeout(this.refusalTimer);
    this.refusal = null;
  }

  refuse(reason: string): void {
    this.refusal = reason;
    clearTimeout(this.refusalTimer);
    this.refusalTimer = setTimeout(() => (this.refusal = null), 6000);
  }

  remove(nodeIds: Iterable<string>, edgeIds: Iterable<string>): void {
    this.commit(edits.removeElements(this.graph, nodeIds, edgeIds));
  }

  deleteSelection(): void {
    const ids = [...this.selected];
    if (!ids.length) return;
    const before = this.graph;
    this.remove(ids, ids);
    if (this.graph !== before) this.select([]);
  }

  moved(nodes: readonly { id: string; position: { x: number; y: number } }[]): void {
    this.commit(edits.moveNodes(this.graph, flowPositions(nodes)), null, this.name, true);
  }

  setParam(nodeId: string, name: string, value: ParamValue): void {
    this.commit(edits.setParam(this.graph, nodeId, name, value), `param:${nodeId}:${name}`);
  }

  /** Set several parameters as one undo step (a one-click fix, fitting the network to the data). */
  setParams(changes: readonly { nodeId: string; name: string; value: ParamValue }[]): void {
    let g = this.graph;
    for (const c of changes)
      if (g.nodes.find((n) => n.id === c.nodeId)?.params[c.name] !== c.value)
        g = edits.setParam(g, c.nodeId, c.name, c.value);
    this.commit(g);
  }

  setLabel(nodeId: string, label: string): void {
    this.commit(edits.setLabel(this.graph, nodeId, label), `label:${nodeId}`);
  }

  layout(): void {
    this.commit(edits.moveNodes(this.graph, autoLayout(this.graph)), null, this.name, true);
    queueMicrotask(() => this.view?.fit());
  }

  selectAll(): void {
    this.select([...this.graph.nodes.map((n) => n.id), ...this.graph.edges.map((e) => e.id)]);
  }

  copy(): boolean {
    const frag = edits.copyFragment(this.graph, this.selected);
    if (!frag.nodes.length) return false;
    this.clipboard = frag;
    this.#clipVersion++;
    this.pasteCount = 0;
    return true;
  }

  cut(): void {
    if (this.#refusedWhileLocked()) return;
    if (this.copy()) this.deleteSelection();
  }

  /** While locked, say why and refuse. */
  #refusedWhileLocked(): boolean {
    const why = this.lockedBy();
    if (why) this.refuse(why);
    return why !== null;
  }

  paste(): void {
    if (!this.clipboard) return;
    this.pasteCount++;
    const r = edits.pasteFragment(this.graph, this.clipboard, { x: 40 * this.pasteCount, y: 40 * this.pasteCount });
    this.commit(r.graph);
    if (this.graph === r.graph) this.select(r.ids);
  }

  /** Whether the clipboard holds layers to paste. */
  get canPaste(): boolean {
    return this.clipboard !== null && this.#clipVersion >= 0;
  }
}
