/** Keyboard shortcuts of the browser host (in Electron the application menu's accelerators send them). */
import type { Command } from '../../../src-engine/protocol/api.ts';

/** The parts of a KeyboardEvent that decide a shortcut. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** The command a key press stands for, or null. Text fields keep their own editing keys. */
export function keyCommand(e: KeyPress, inTextField: boolean): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod) return null;
  const k = e.key.toLowerCase();
  if (k === 's') return e.shiftKey ? 'saveAs' : 'save';
  if (k === 'o') return 'open';
  if (k === 'n') return 'new';
  if (k === 'enter') return 'train';
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
