import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src-engine/data/formats.ts';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('matches by leading bytes before the name', () => {
    expect(detectFormat('x.csv', b(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0))).toBe('npy');
    expect(detectFormat('data.bin', b(0, 0, 8, 3, 0, 0, 0, 1))).toBe('idx');
    expect(detectFormat('noext', b(0x50, 0x4b, 3, 4))).toBe('npz');
  });

  it('matches by name, gzipped IDX included', () => {
    expect(detectFormat('train-images-idx3-ubyte.gz', b(0x1f, 0x8b, 8))).toBe('idx');
    expect(detectFormat('t10k-labels-idx1-ubyte', b(0, 0, 8, 1))).toBe('idx');
    expect(detectFormat('a.TSV', ascii('a\tb'))).toBe('csv');
    expect(detectFormat('a.json', ascii('[{'))).toBe('json');
    expect(detectFormat('a.npz', b(0x50, 0x4b, 3, 4))).toBe('npz');
  });

  it('sniffs JSON text without an extension, folders are image folders, the rest is unknown', () => {
    expect(detectFormat('records', ascii('\uFEFF  \n[{"a":1}]'))).toBe('json');
    expect(detectFormat('photos', new Uint8Array(), true)).toBe('images');
    expect(detectFormat('mystery', ascii('hello'))).toBeNull();
  });
});
