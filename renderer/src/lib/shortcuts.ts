/**
 * Keyboard shortcuts, the same in both hosts: the page matches key presses against the one command
 * table (src-engine/protocol/commands.ts) that Electron's menu is built from.
 */
export { commandForKey as keyCommand, type KeyPress } from '../../../src-engine/protocol/commands.ts';

/** Whether keys typed here belong to a text field (which keeps its own editing keys). */
export function isTextField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
}
