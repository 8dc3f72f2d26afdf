// Packaging step: flip Netwright's Electron fuses (electron/fuses.ts) in a packaged binary.
//   npx tsx scripts/flip-fuses.ts dist/linux-unpacked/netwright
import { flipNetwrightFuses } from '../electron/fuses.ts';

const binary = process.argv[2];
if (!binary) {
  console.error('Usage: npx tsx scripts/flip-fuses.ts <packaged Electron binary or .app>');
  process.exit(2);
}
try {
  const n = await flipNetwrightFuses(binary);
  console.log(`Flipped Netwright's fuses in ${binary} (${n} slice${n === 1 ? '' : 's'}).`);
} catch (e) {
  console.error(`Could not flip the fuses in ${binary}: ${(e as Error).message}`);
  process.exit(1);
}
