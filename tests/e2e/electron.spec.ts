/**
 * The same flow in the Electron app through Playwright's _electron. Skipped, with the reason, where
 * the Electron binary is missing (as on machines where it cannot be downloaded) or there is no display.
 */
import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { connect, dropLayer, setParam } from './helpers.ts';

function electronPath(): { path?: string; reason?: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    if (!existsSync(p)) return { reason: `the Electron binary is missing (${p})` };
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
      return { reason: 'there is no display (DISPLAY is unset)' };
    return { path: p };
  } catch (e) {
    return { reason: `the Electron binary is not installed: ${(e as Error).message.split('\n')[0]}` };
  }
}

const found = electronPath();

test.describe('Electron app', () => {
  test.skip(!found.path, `Skipped: ${found.reason}`);
  let app: ElectronApplication;
  test.afterEach(async () => {
    await app?.close();
  });

  test('784-15-10 in the Electron window shows 11,935 and the window is locked down', async () => {
    app = await electron.launch({ executablePath: found.path!, args: ['.'], cwd: process.cwd() });
    const page = await app.firstWindow();
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    expect(url).toMatch(/^app:\/\/netwright\//);
    // Context isolation and no Node in the page: only the Api object is visible.
    expect(
      await page.evaluate('[typeof require, typeof process, Object.keys(window.netwright).sort().join(",")]'),
    ).toEqual([
      'undefined',
      'undefined',
      'autosave,clearRecovery,getRecovery,hostInfo,importProject,listTemplates,newProject,onEvent,openProject,saveProject',
    ]);
    await page.getByTestId('btn-new').click();
    await page.getByTestId('template-blank').click();
    await expect(page.getByTestId('total-params')).toHaveText('0');
    await dropLayer(page, 'Input', 120, 200);
    await dropLayer(page, 'Dense', 420, 200);
    await dropLayer(page, 'Output', 720, 200);
    await connect(page, 'input1', 'dense1');
    await connect(page, 'dense1', 'output1');
    await setParam(page, 'input1', 'features', '784');
    await setParam(page, 'dense1', 'units', '15');
    await setParam(page, 'output1', 'units', '10');
    await expect(page.getByTestId('total-params')).toHaveText('11,935');
    await connect(page, 'input1', 'output1');
    await expect(page.getByTestId('connection-refused')).toContainText('already has its input');
    await page.getByTestId('btn-undo').click();
    await expect(page.getByTestId('total-params')).not.toHaveText('11,935');
    await page.getByTestId('btn-redo').click();
    await expect(page.getByTestId('total-params')).toHaveText('11,935');
  });
});
