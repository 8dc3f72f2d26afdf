import { describe, expect, it } from 'vitest';
import { pythonModule, verdict } from './prerequisites.ts';

describe('test prerequisites', () => {
  it('a missing Python module is named with its Debian package; present ones are not', () => {
    const absent = pythonModule('netwright_no_such_module', 'python3-netwright-nothing');
    expect(absent.missing).toMatch(
      /cannot import netwright_no_such_module \(apt-get install python3-netwright-nothing\)/,
    );
    // json ships with every Python 3.
    expect(pythonModule('json', 'python3').missing).toBeNull();
  });

  it('fails with the reason (and how to install it) on CI and off it, runs when nothing is missing', () => {
    const missing = { name: 'python3-torch', missing: '/usr/bin/python3 cannot import torch.' };
    const present = { name: 'python3-onnx', missing: null };
    expect(verdict([present], true)).toEqual({ action: 'run' });
    expect(verdict([present, missing], false)).toEqual({
      action: 'fail',
      message: '/usr/bin/python3 cannot import torch. Run bash scripts/setup.sh (npm test does) to install it.',
    });
    expect(verdict([missing], true)).toEqual({
      action: 'fail',
      message: '/usr/bin/python3 cannot import torch. CI must have it: run bash scripts/setup.sh as root.',
    });
  });
});
