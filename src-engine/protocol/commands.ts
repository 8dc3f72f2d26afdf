/**
 * The one table of the app's commands: their labels, the menu they sit in and their keyboard
 * accelerators. Electron builds its application menu from it; the page matches key presses against
 * the same accelerators, so both hosts have the same shortcuts (Electron only displays them in the
 * menu and leaves the keys to the page).
 */

export type MenuName = 'File' | 'Edit' | 'View' | 'Train' | 'Help';

export interface CommandSpec {
  id: string;
  label: string;
  menu: MenuName;
  /** Items of a menu with different groups are separated by a line. */
  group: number;
  /** Electron's accelerator syntax: 'CmdOrCtrl+Shift+S', 'Delete', 'F1'. Shown in the menu. */
  accelerator?: string;
  /** More keys for the same command (not shown in the menu). */
  alternatives?: readonly string[];
  /** In a text field the key edits the text, as usual (Electron's menu passes these to the field). */
  textEdit?: boolean;
  /** The key works while typing in a text field too (saving, training); others are left to the field. */
  inText?: boolean;
  /** Shown in a submenu of its menu (File → Export). */
  submenu?: string;
  /** What the Help panel says the command does, when the label alone does not. */
  help?: string;
}

export const COMMAND_TABLE = [
  { id: 'new', inText: true, label: 'New from Template…', menu: 'File', group: 0, accelerator: 'CmdOrCtrl+N' },
  { id: 'open', inText: true, label: 'Open…', menu: 'File', group: 0, accelerator: 'CmdOrCtrl+O' },
  { id: 'openRecent', inText: true, label: 'Open Recent…', menu: 'File', group: 0, accelerator: 'CmdOrCtrl+Shift+O' },
  {
    id: 'importOnnx',
    label: 'Import ONNX…',
    menu: 'File',
    group: 0,
    help: 'Open an .onnx model (a Netwright export, or a network made with PyTorch) as a new project',
  },
  { id: 'save', inText: true, label: 'Save', menu: 'File', group: 1, accelerator: 'CmdOrCtrl+S' },
  { id: 'saveAs', inText: true, label: 'Save As…', menu: 'File', group: 1, accelerator: 'CmdOrCtrl+Shift+S' },
  {
    id: 'exportOnnx',
    label: 'ONNX Model…',
    menu: 'File',
    group: 2,
    submenu: 'Export',
    accelerator: 'CmdOrCtrl+E',
    help: 'Export the trained model as ONNX',
  },
  { id: 'exportTrainOnnx', label: 'Training-Step ONNX…', menu: 'File', group: 2, submenu: 'Export' },
  { id: 'exportWeights', label: 'Weights JSON…', menu: 'File', group: 2, submenu: 'Export' },
  { id: 'exportPytorch', label: 'PyTorch Code…', menu: 'File', group: 2, submenu: 'Export' },
  { id: 'exportMetrics', label: 'Metrics CSV…', menu: 'File', group: 2, submenu: 'Export' },
  { id: 'undo', label: 'Undo', menu: 'Edit', group: 0, accelerator: 'CmdOrCtrl+Z', textEdit: true },
  {
    id: 'redo',
    label: 'Redo',
    menu: 'Edit',
    group: 0,
    accelerator: 'CmdOrCtrl+Shift+Z',
    alternatives: ['CmdOrCtrl+Y'],
    textEdit: true,
  },
  { id: 'cut', label: 'Cut', menu: 'Edit', group: 1, accelerator: 'CmdOrCtrl+X', textEdit: true },
  { id: 'copy', label: 'Copy', menu: 'Edit', group: 1, accelerator: 'CmdOrCtrl+C', textEdit: true },
  { id: 'paste', label: 'Paste', menu: 'Edit', group: 1, accelerator: 'CmdOrCtrl+V', textEdit: true },
  { id: 'duplicate', label: 'Duplicate', menu: 'Edit', group: 1, accelerator: 'CmdOrCtrl+D' },
  {
    id: 'delete',
    label: 'Delete',
    menu: 'Edit',
    group: 1,
    accelerator: 'Delete',
    alternatives: ['Backspace'],
    textEdit: true,
  },
  { id: 'selectAll', label: 'Select All', menu: 'Edit', group: 1, accelerator: 'CmdOrCtrl+A', textEdit: true },
  {
    id: 'findLayer',
    label: 'Find a Layer…',
    menu: 'Edit',
    group: 2,
    accelerator: 'CmdOrCtrl+F',
    help: 'Search the palette',
  },
  {
    id: 'zoomIn',
    label: 'Zoom In',
    menu: 'View',
    group: 0,
    accelerator: 'CmdOrCtrl+=',
    alternatives: ['CmdOrCtrl+Plus'],
  },
  { id: 'zoomOut', label: 'Zoom Out', menu: 'View', group: 0, accelerator: 'CmdOrCtrl+-' },
  { id: 'fit', label: 'Fit to Window', menu: 'View', group: 0, accelerator: 'CmdOrCtrl+0' },
  { id: 'layout', label: 'Arrange Layers', menu: 'View', group: 0, accelerator: 'CmdOrCtrl+L' },
  { id: 'toggleMinimap', label: 'Show or Hide the Minimap', menu: 'View', group: 1, accelerator: 'CmdOrCtrl+Shift+M' },
  {
    id: 'toggleDock',
    label: 'Show or Hide Data, Training and Plots',
    menu: 'View',
    group: 1,
    accelerator: 'CmdOrCtrl+J',
  },
  {
    id: 'restoreView',
    label: 'Restore a Maximised View',
    menu: 'View',
    group: 1,
    accelerator: 'Escape',
    help: 'Restore a maximised view (or close a dialog)',
  },
  { id: 'resetLayout', label: 'Reset Pane Sizes', menu: 'View', group: 1 },
  { id: 'toggleTheme', label: 'Toggle Dark Theme', menu: 'View', group: 2 },
  { id: 'train', inText: true, label: 'Train', menu: 'Train', group: 0, accelerator: 'CmdOrCtrl+Enter' },
  { id: 'pauseResume', inText: true, label: 'Pause / Resume', menu: 'Train', group: 0, accelerator: 'CmdOrCtrl+P' },
  { id: 'step', inText: true, label: 'Step One Batch', menu: 'Train', group: 0, accelerator: 'CmdOrCtrl+Shift+Enter' },
  { id: 'stopTraining', inText: true, label: 'Stop', menu: 'Train', group: 0, accelerator: 'CmdOrCtrl+.' },
  { id: 'help', inText: true, label: 'Help and Shortcuts', menu: 'Help', group: 0, accelerator: 'F1' },
  { id: 'templates', label: 'Templates…', menu: 'Help', group: 0 },
] as const satisfies readonly CommandSpec[];

export type Command = (typeof COMMAND_TABLE)[number]['id'];

/** Every command id, in menu order. */
export const COMMANDS: readonly Command[] = COMMAND_TABLE.map((c) => c.id);

export const MENUS: readonly MenuName[] = ['File', 'Edit', 'View', 'Train', 'Help'];

/** A command's row of the table. */
export function commandSpec(id: Command): CommandSpec {
  return COMMAND_TABLE.find((c) => c.id === id)!;
}

/** The parts of a KeyboardEvent that decide a shortcut. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey?: boolean;
}

/** Electron's names for keys whose KeyboardEvent.key differs. */
const KEY_NAMES: Record<string, string> = {
  plus: '+',
  return: 'enter',
  esc: 'escape',
  space: ' ',
  del: 'delete',
};

interface ParsedAccelerator {
  mod: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

/** Split an accelerator into its modifiers and key (lower case, as KeyboardEvent.key). */
export function parseAccelerator(accelerator: string): ParsedAccelerator {
  const parts = accelerator.split('+');
  // 'CmdOrCtrl+Plus' names '+' as Plus; a trailing empty part would be a literal '+'.
  const rawKey = parts.pop() || '+';
  const mods = parts.map((p) => p.toLowerCase());
  const key = rawKey.toLowerCase();
  return {
    mod: mods.some((m) => ['cmdorctrl', 'commandorcontrol', 'ctrl', 'control', 'cmd', 'command'].includes(m)),
    shift: mods.includes('shift'),
    alt: mods.includes('alt') || mods.includes('option'),
    key: KEY_NAMES[key] ?? key,
  };
}

/** Whether a key press is this accelerator (Ctrl and Cmd both count as CmdOrCtrl). */
export function matchesAccelerator(accelerator: string, e: KeyPress): boolean {
  const a = parseAccelerator(accelerator);
  const mod = e.ctrlKey || e.metaKey;
  if (a.mod !== mod || a.alt !== !!e.altKey) return false;
  const key = e.key.toLowerCase();
  // Shifted punctuation arrives as its own character ('+' for Shift+=): compare the key itself then.
  if (a.key.length === 1 && !/[a-z0-9]/.test(a.key)) return key === a.key && (a.shift ? e.shiftKey : true);
  return key === a.key && a.shift === e.shiftKey;
}

/** The command a key press stands for, or null. In a text field, editing keys stay with the field. */
export function commandForKey(e: KeyPress, inTextField: boolean): Command | null {
  for (const c of COMMAND_TABLE as readonly CommandSpec[]) {
    const keys = [...(c.accelerator ? [c.accelerator] : []), ...(c.alternatives ?? [])];
    if (!keys.some((k) => matchesAccelerator(k, e))) continue;
    if (inTextField && !c.inText) return null;
    return c.id as Command;
  }
  return null;
}

/** An accelerator as people read it: 'Ctrl+Shift+S' (or '⌘⇧S' on a Mac). */
export function acceleratorLabel(accelerator: string, mac = false): string {
  const a = parseAccelerator(accelerator);
  const names: Record<string, string> = { '=': '=', ' ': 'Space', '.': '.', '-': '-' };
  const key = names[a.key] ?? (a.key.length === 1 ? a.key.toUpperCase() : a.key[0]!.toUpperCase() + a.key.slice(1));
  if (mac) return `${a.mod ? '⌘' : ''}${a.alt ? '⌥' : ''}${a.shift ? '⇧' : ''}${key}`;
  return [a.mod ? 'Ctrl' : '', a.alt ? 'Alt' : '', a.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}
