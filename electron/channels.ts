/** Electron's IPC channel names, in one place for the main process and the preload. */
export const API_CHANNEL = 'netwright:api';
export const EVENT_CHANNEL = 'netwright:event';
