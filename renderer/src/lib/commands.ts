/** The app's commands, from the host's menu or from the keyboard, run against the session. */
import type { Command } from '../../../src-engine/protocol/api.ts';
import type { Session } from './session.svelte.ts';
import type { ThemeState } from './theme.svelte.ts';

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
  }
}

/** The command a key press stands for, or null. Text fields keep their own editing keys. */
export function keyCommand(e: KeyboardEvent, inTextField: boolean): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod) return null;
  const k = e.key.toLowerCase();
  if (k === 's') return e.shiftKey ? 'saveAs' : 'save';
  if (k === 'o') return 'open';
  if (k === 'n') return 'new';
  if (inTextField) return null;
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (k === 'y') return 'redo';
  if (k === 'c') return 'copy';
  if (k === 'x') return 'cut';
  if (k === 'v') return 'paste';
  if (k === 'a') return 'selectAll';
  if (k === 'l') return 'layout';
  if (k === '=' || k === '+') return 'zoomIn';
  if (k === '-') return 'zoomOut';
  if (k === '0') return 'fit';
  return null;
}
