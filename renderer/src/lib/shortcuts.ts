/**
 * Keyboard shortcuts, the same in both hosts: the page matches key presses against the one command
 * table (src-engine/protocol/commands.ts) that Electron's menu is built from.
 */
export { commandForKey as keyCommand, type KeyPress } from '../../../src-engine/protocol/commands.ts';
