/**
 * Electron fuses for packaged builds: features compiled into the Electron binary that a packaged
 * Netwright never needs, switched off so nobody can turn the app into a general Node runtime.
 * The packaging step runs `npx tsx scripts/flip-fuses.ts <path to the packaged Electron binary>`
 * (see docs/limits.md, "Electron"); flipping requires the app to be packaged as an asar archive.
 */
import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/** Every fuse set explicitly, so an Electron upgrade that adds one fails the packaging step. */
export const NETWRIGHT_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would make the binary a plain Node with the app's privileges.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect would let another process inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only the signed app.asar is loaded, and its integrity is checked.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The page is served from app://, never file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config;

/** Flip Netwright's fuses in a packaged Electron binary (or .app bundle); resolves to the number of slices written. */
export async function flipNetwrightFuses(electronBinary: string): Promise<number> {
  return flipFuses(electronBinary, NETWRIGHT_FUSES);
}
