/**
 * The application menu, built from the one command table (src-engine/protocol/commands.ts). The
 * accelerators are shown but not registered: the page handles the keys itself, as in the browser
 * host, so both have the same shortcuts and a dialog in the page can keep keys from acting behind it
 * (on macOS the text-editing ones stay registered, which is how text fields there copy and paste).
 */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import {
  COMMAND_TABLE,
  MENUS,
  type Command,
  type CommandSpec,
  type MenuName,
} from '../../src-engine/protocol/commands.ts';

/** Menu items of one menu, with separators between groups and submenus gathered in place. */
function itemsOf(menu: MenuName, send: (command: Command) => void, mac: boolean): MenuItemConstructorOptions[] {
  const out: MenuItemConstructorOptions[] = [];
  const submenus = new Map<string, MenuItemConstructorOptions[]>();
  let group: number | null = null;
  for (const c of COMMAND_TABLE as readonly CommandSpec[]) {
    if (c.menu !== menu) continue;
    if (group !== null && c.group !== group) out.push({ type: 'separator' });
    group = c.group;
    const item: MenuItemConstructorOptions = {
      label: c.label,
      // macOS gives text fields copy and paste only through the menu's own accelerators.
      ...(c.accelerator ? { accelerator: c.accelerator, registerAccelerator: mac && !!c.textEdit } : {}),
      click: () => send(c.id as Command),
    };
    if (!c.submenu) {
      out.push(item);
      continue;
    }
    let sub = submenus.get(c.submenu);
    if (!sub) {
      sub = [];
      submenus.set(c.submenu, sub);
      out.push({ label: c.submenu, submenu: sub });
    }
    sub.push(item);
  }
  return out;
}

/** Build and install the menu; `send` delivers a command to the focused window's page. */
export function installMenu(send: (command: Command) => void, isDev: boolean): void {
  const mac = process.platform === 'darwin';
  const extra: Partial<Record<MenuName, MenuItemConstructorOptions[]>> = {
    File: [{ type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
    View: [
      ...(isDev ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
      { role: 'togglefullscreen' },
    ],
    Help: [{ type: 'separator' }, { label: `About Netwright ${app.getVersion()}`, click: () => app.showAboutPanel() }],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    ...MENUS.map((menu) => ({ label: menu, submenu: [...itemsOf(menu, send, mac), ...(extra[menu] ?? [])] })),
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
