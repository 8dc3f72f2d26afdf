import { describe, expect, it } from 'vitest';
import { keyCommand } from '../../renderer/src/lib/shortcuts.ts';
import {
  COMMAND_TABLE,
  acceleratorLabel,
  matchesAccelerator,
  parseAccelerator,
  type CommandSpec,
} from '../../src-engine/protocol/commands.ts';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
});

describe('keyboard shortcuts (one table for the Electron menu and the page)', () => {
  it('maps the usual accelerators to commands', () => {
    expect(keyCommand(key('z', { ctrl: true }), false)).toBe('undo');
    expect(keyCommand(key('Z', { ctrl: true, shift: true }), false)).toBe('redo');
    expect(keyCommand(key('y', { ctrl: true }), false)).toBe('redo');
    expect(keyCommand(key('z', { meta: true }), false)).toBe('undo');
    expect(keyCommand(key('s', { ctrl: true }), false)).toBe('save');
    expect(keyCommand(key('S', { ctrl: true, shift: true }), false)).toBe('saveAs');
    expect(keyCommand(key('o', { ctrl: true }), false)).toBe('open');
    expect(keyCommand(key('Enter', { ctrl: true }), false)).toBe('train');
    expect(keyCommand(key('Enter', { ctrl: true, shift: true }), false)).toBe('step');
    expect(keyCommand(key('Enter', { ctrl: true }), true)).toBe('train');
    expect(keyCommand(key('c', { ctrl: true }), false)).toBe('copy');
    expect(keyCommand(key('v', { ctrl: true }), false)).toBe('paste');
    expect(keyCommand(key('x', { ctrl: true }), false)).toBe('cut');
    expect(keyCommand(key('a', { ctrl: true }), false)).toBe('selectAll');
    expect(keyCommand(key('=', { ctrl: true }), false)).toBe('zoomIn');
    expect(keyCommand(key('+', { ctrl: true, shift: true }), false)).toBe('zoomIn');
    expect(keyCommand(key('-', { ctrl: true }), false)).toBe('zoomOut');
    expect(keyCommand(key('0', { ctrl: true }), false)).toBe('fit');
    expect(keyCommand(key('l', { ctrl: true }), false)).toBe('layout');
    // The ones that existed only in Electron's menu before.
    expect(keyCommand(key('p', { ctrl: true }), false)).toBe('pauseResume');
    expect(keyCommand(key('.', { ctrl: true }), false)).toBe('stopTraining');
    expect(keyCommand(key('e', { ctrl: true }), false)).toBe('exportOnnx');
    expect(keyCommand(key('F1'), false)).toBe('help');
    expect(keyCommand(key('Delete'), false)).toBe('delete');
    expect(keyCommand(key('Backspace'), false)).toBe('delete');
  });

  it('leaves plain keys alone, and editing keys to text fields', () => {
    expect(keyCommand(key('z'), false)).toBeNull();
    expect(keyCommand(key('z', { ctrl: true, alt: true }), false)).toBeNull();
    expect(keyCommand(key('z', { ctrl: true }), true)).toBeNull();
    expect(keyCommand(key('c', { ctrl: true }), true)).toBeNull();
    expect(keyCommand(key('Delete'), true)).toBeNull();
    expect(keyCommand(key('l', { ctrl: true }), true)).toBeNull();
    expect(keyCommand(key('s', { ctrl: true }), true)).toBe('save');
    expect(keyCommand(key('p', { ctrl: true }), true)).toBe('pauseResume');
  });

  it('gives every accelerator to one command only, and every command a menu', () => {
    const seen = new Map<string, string>();
    let checked = 0;
    for (const c of COMMAND_TABLE as readonly CommandSpec[]) {
      expect(['File', 'Edit', 'View', 'Train', 'Help']).toContain(c.menu);
      for (const k of [...(c.accelerator ? [c.accelerator] : []), ...(c.alternatives ?? [])]) {
        const p = parseAccelerator(k);
        const id = `${p.mod}|${p.shift}|${p.alt}|${p.key}`;
        expect(seen.get(id), `${k} of ${c.id}`).toBeUndefined();
        seen.set(id, c.id);
        // Each accelerator matches the key press it describes, and that press runs its command.
        const press = key(p.key.length === 1 ? p.key : p.key[0]!.toUpperCase() + p.key.slice(1), {
          ctrl: p.mod,
          shift: p.shift,
          alt: p.alt,
        });
        expect(matchesAccelerator(k, press)).toBe(true);
        expect(keyCommand(press, false)).toBe(c.id);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('names accelerators as people read them', () => {
    expect(acceleratorLabel('CmdOrCtrl+Shift+S')).toBe('Ctrl+Shift+S');
    expect(acceleratorLabel('CmdOrCtrl+Shift+S', true)).toBe('⌘⇧S');
    expect(acceleratorLabel('Delete')).toBe('Delete');
    expect(acceleratorLabel('CmdOrCtrl+=')).toBe('Ctrl+=');
    expect(acceleratorLabel('F1')).toBe('F1');
  });
});
