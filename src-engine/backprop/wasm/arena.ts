/**
 * WebAssembly linear memory shared by a backend's small programs: the parameters, optimizer state
 * and step buffers live in one memory, so a compiled step (./codegen.ts) reads and writes them by
 * address and the JavaScript kernels and the backend see the same numbers through Float32Array
 * views. The memory has a fixed size (it never grows, so views never detach); allocation is a bump
 * pointer, and a request that does not fit gets null (the caller keeps ordinary arrays).
 */
import { globalWasm } from '../../tensor/wasm/gemm.ts';

interface WasmMemory {
  buffer: ArrayBuffer;
}

const PAGE = 65536;
/** Bytes left free at address 0, so no buffer starts at the null address. */
const RESERVED = 64;

export class WasmArena {
  readonly memory: WasmMemory;
  readonly pages: number;
  private top = RESERVED;

  private constructor(memory: WasmMemory, pages: number) {
    this.memory = memory;
    this.pages = pages;
  }

  /** An arena of at least `floats` float32 values, or null without WebAssembly. */
  static create(floats: number): WasmArena | null {
    const api = globalWasm();
    if (!api?.Memory) return null;
    const pages = Math.max(1, Math.ceil((RESERVED + floats * 4 + 16 * 256) / PAGE));
    try {
      return new WasmArena(new api.Memory({ initial: pages, maximum: pages }), pages);
    } catch {
      return null;
    }
  }

  /** n float32 values, 16-byte aligned, zeroed; null where they do not fit. */
  alloc(n: number): Float32Array | null {
    const at = (this.top + 15) & ~15;
    if (at + n * 4 > this.pages * PAGE) return null;
    this.top = at + n * 4;
    return new Float32Array(this.memory.buffer, at, n);
  }

  /** Bytes still free. */
  get free(): number {
    return this.pages * PAGE - ((this.top + 15) & ~15);
  }

  /** Whether a buffer is a view of this memory. */
  owns(a: { buffer: ArrayBufferLike }): boolean {
    return a.buffer === this.memory.buffer;
  }
}
