/**
 * The app's commands (the one table in src-engine/protocol/commands.ts), from the host's menu or the
 * keyboard, run against the session, the theme and the workspace.
 */
import type { Command, ExportFormat } from '../../../src-engine/protocol/api.ts';
import type { Session } from './session.svelte.ts';
import type { ThemeState } from './theme.svelte.ts';
import type { WorkspaceState } from './workspace.svelte.ts';

const EXPORTS: Record<
  'exportOnnx' | 'exportTrainOnnx' | 'exportWeights' | 'exportPytorch' | 'exportMetrics',
  ExportFormat
> = {
  exportOnnx: 'onnx',
  exportTrainOnnx: 'onnx-train',
  exportWeights: 'weights-json',
  exportPytorch: 'pytorch',
  exportMetrics: 'metrics-csv',
};

export interface CommandContext {
  session: Session;
  theme: ThemeState;
  workspace: WorkspaceState;
  /** Move the keyboard to the palette's search field. */
  findLayer: () => void;
}

/** Run one command. */
export function runCommand(cmd: Command, { session, theme, workspace, findLayer }: CommandContext): void {
  const ed = session.editor;
  const t = session.training;
  switch (cmd) {
    case 'new':
    case 'templates':
      void session.chooseNew();
      break;
    case 'open':
      void session.open();
      break;
    case 'importOnnx':
      session.pickUpload?.();
      break;
    case 'openRecent':
      workspace.setRecentMenu(true);
      break;
    case 'save':
      void session.save(false);
      break;
    case 'saveAs':
      void session.save(true);
      break;
    case 'undo':
      ed.undo();
      break;
    case 'redo':
      ed.redo();
      break;
    case 'cut':
      ed.cut();
      break;
    case 'copy':
      ed.copy();
      break;
    case 'paste':
      ed.paste();
      break;
    case 'duplicate':
      ed.duplicate();
      break;
    case 'delete':
      ed.deleteSelection();
      break;
    case 'selectAll':
      ed.selectAll();
      break;
    case 'findLayer':
      findLayer();
      break;
    case 'layout':
      ed.layout();
      break;
    case 'zoomIn':
      ed.view?.zoomIn();
      break;
    case 'zoomOut':
      ed.view?.zoomOut();
      break;
    case 'fit':
      ed.view?.fit();
      break;
    case 'toggleMinimap':
      workspace.toggleMinimap();
      break;
    case 'toggleDock':
      workspace.toggleDock();
      break;
    case 'restoreView':
      workspace.restore();
      break;
    case 'resetLayout':
      workspace.resetLayout();
      break;
    case 'toggleTheme':
      theme.toggle();
      break;
    case 'train':
      void session.train();
      break;
    case 'pauseResume':
      if (t.status === 'running') t.control('pause');
      else if (t.status === 'paused' && !session.pausedChanges) t.control('resume');
      break;
    case 'step':
      if (t.status === 'paused' && !session.pausedChanges) t.control('step');
      break;
    case 'stopTraining':
      if (t.active) t.control('stop');
      break;
    case 'help':
      workspace.setHelp(true);
      break;
    case 'exportOnnx':
    case 'exportTrainOnnx':
    case 'exportWeights':
    case 'exportPytorch':
    case 'exportMetrics':
      void session.exportRun(EXPORTS[cmd]);
      break;
    default: {
      const never: never = cmd;
      throw new Error(`Unknown command ${String(never)}`);
    }
  }
}
