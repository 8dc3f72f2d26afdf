/** The app's commands, from the host's menu or from the keyboard (see shortcuts.ts), run against the session. */
import type { Command } from '../../../src-engine/protocol/api.ts';
import type { Session } from './session.svelte.ts';
import type { ThemeState } from './theme.svelte.ts';
import type { ExportFormat } from '../../../src-engine/protocol/api.ts';

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

/** Run one command. */
export function runCommand(cmd: Command, session: Session, theme: ThemeState): void {
  const ed = session.editor;
  switch (cmd) {
    case 'new':
    case 'templates':
      session.galleryOpen = true;
      break;
    case 'open':
      void session.open();
      break;
    case 'importOnnx':
      session.pickUpload?.();
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
    case 'delete':
      ed.deleteSelection();
      break;
    case 'selectAll':
      ed.selectAll();
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
    case 'toggleTheme':
      theme.toggle();
      break;
    case 'train':
      void session.train();
      break;
    case 'pauseResume':
      if (session.training.status === 'running') session.training.control('pause');
      else if (session.training.status === 'paused') session.training.control('resume');
      break;
    case 'stopTraining':
      session.training.control('stop');
      break;
    case 'exportOnnx':
    case 'exportTrainOnnx':
    case 'exportWeights':
    case 'exportPytorch':
    case 'exportMetrics':
      void session.exportRun(EXPORTS[cmd]);
      break;
  }
}
