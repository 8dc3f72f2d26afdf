// Child process for atomic-save.test.ts: saves a large project over and over with writeFileAtomic,
// printing "w<n>" before each write, until the parent kills it.
import { writeFileAtomic } from '../../../src-engine/node/atomic-write.ts';

const [file, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
for (let n = 1; ; n++) {
  const weights = {
    'h.W': { shape: [size, 1] as [number, number], data: Array.from({ length: size }, (_, i) => (i * n) % 997) },
  };
  const project = {
    format: 'netwright-project',
    version: 1,
    name: `save ${n}`,
    graph: { format: 'netwright-graph', version: 1, nodes: [], edges: [] },
    training: {},
    weights,
  };
  process.stdout.write(`w${n}\n`);
  await writeFileAtomic(file!, JSON.stringify(project));
}
