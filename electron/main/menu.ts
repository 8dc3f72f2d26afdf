/** The application menu: File, Edit, View, Help, with the usual accelerators; items send commands. */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { Command } from '../../src-engine/protocol/api.ts';

/** Build and install the menu; `send` delivers a command to the focused window's page. */
export function installMenu(send: (command: Command) => void, isDev: boolean): void {
  const item = (label: string, command: Command, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New from Template…', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        item('Import ONNX…', 'importOnnx'),
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        {
          label: 'Export',
          submenu: [
            item('ONNX Model…', 'exportOnnx', 'CmdOrCtrl+E'),
            item('Training-Step ONNX…', 'exportTrainOnnx'),
            item('Weights JSON…', 'exportWeights'),
            item('PyTorch Code…', 'exportPytorch'),
            item('Metrics CSV…', 'exportMetrics'),
          ],
        },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', mac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        item('Cut', 'cut', 'CmdOrCtrl+X'),
        item('Copy', 'copy', 'CmdOrCtrl+C'),
        item('Paste', 'paste', 'CmdOrCtrl+V'),
        item('Delete', 'delete', 'Delete'),
        item('Select All', 'selectAll', 'CmdOrCtrl+A'),
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Zoom In', 'zoomIn', 'CmdOrCtrl+='),
        item('Zoom Out', 'zoomOut', 'CmdOrCtrl+-'),
        item('Fit to Window', 'fit', 'CmdOrCtrl+0'),
        item('Arrange Layers', 'layout', 'CmdOrCtrl+L'),
        { type: 'separator' },
        item('Toggle Dark Theme', 'toggleTheme'),
        ...(isDev ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Train',
      submenu: [
        item('Train', 'train', 'CmdOrCtrl+Enter'),
        item('Pause / Resume', 'pauseResume', 'CmdOrCtrl+P'),
        item('Stop', 'stopTraining', 'CmdOrCtrl+.'),
      ],
    },
    {
      label: 'Help',
      submenu: [
        item('Templates…', 'templates'),
        { type: 'separator' },
        { label: `About Netwright ${app.getVersion()}`, click: () => app.showAboutPanel() },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
