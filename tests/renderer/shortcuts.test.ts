import { describe, expect, it } from 'vitest';
import { keyCommand } from '../../renderer/src/lib/shortcuts.ts';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
});

describe('keyboard shortcuts', () => {
  it('maps the usual accelerators to commands', () => {
    expect(keyCommand(key('z', { ctrl: true }), false)).toBe('undo');
    expect(keyCommand(key('Z', { ctrl: true, shift: true }), false)).toBe('redo');
    expect(keyCommand(key('y', { ctrl: true }), false)).toBe('redo');
    expect(keyCommand(key('z', { meta: true }), false)).toBe('undo');
    expect(keyCommand(key('s', { ctrl: true }), false)).toBe('save');
    expect(keyCommand(key('S', { ctrl: true, shift: true }), false)).toBe('saveAs');
    expect(keyCommand(key('o', { ctrl: true }), false)).toBe('open');
    expect(keyCommand(key('Enter', { ctrl: true }), false)).toBe('train');
    expect(keyCommand(key('Enter', { ctrl: true }), true)).toBe('train');
    expect(keyCommand(key('c', { ctrl: true }), false)).toBe('copy');
    expect(keyCommand(key('v', { ctrl: true }), false)).toBe('paste');
    expect(keyCommand(key('x', { ctrl: true }), false)).toBe('cut');
    expect(keyCommand(key('a', { ctrl: true }), false)).toBe('selectAll');
    expect(keyCommand(key('=', { ctrl: true }), false)).toBe('zoomIn');
    expect(keyCommand(key('-', { ctrl: true }), false)).toBe('zoomOut');
    expect(keyCommand(key('0', { ctrl: true }), false)).toBe('fit');
    expect(keyCommand(key('l', { ctrl: true }), false)).toBe('layout');
  });

  it('leaves plain keys alone, and editing keys to text fields', () => {
    expect(keyCommand(key('z'), false)).toBeNull();
    expect(keyCommand(key('Delete'), false)).toBeNull(); // the canvas deletes its own selection
    expect(keyCommand(key('z', { ctrl: true }), true)).toBeNull();
    expect(keyCommand(key('c', { ctrl: true }), true)).toBeNull();
    expect(keyCommand(key('s', { ctrl: true }), true)).toBe('save');
  });
});
