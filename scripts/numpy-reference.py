#!/usr/bin/env python3
"""Reference values for Netwright's NumPy port and built-in datasets.

Writes tests/fixtures/builtin/numpy-reference.json, which tests/engine/data/builtin/*.test.ts compare
against. Run from the repository root:

    python3 scripts/numpy-reference.py

Needs numpy (any version with the legacy `np.random.seed` / `RandomState`, i.e. all of them).
scikit-learn is used for StandardScaler when installed; otherwise an exact transcription of sklearn's
`_incremental_mean_and_var` + transform is used (the fixture records which).

The article datasets below are transcribed from the listings of "A Visual Understanding of Neural
Networks" (Reza Bagheri): same seeds, same calls, same order. Floats go through `json` as `repr`, which
round-trips exactly, so the tests can compare bit for bit.
"""
import json
import os
import sys

import numpy as np

try:
    from sklearn.preprocessing import StandardScaler

    SCALER = "sklearn"
except ImportError:  # pragma: no cover - fallback transcription of sklearn's algorithm
    SCALER = "numpy transcription of sklearn"

    class StandardScaler:
        def fit_transform(self, X):
            X = np.array(X, dtype=np.float64)
            n = X.shape[0]
            s = np.sum(X, axis=0)
            mean = s / n
            temp = X - mean
            corr = np.sum(temp, axis=0)
            var = (np.sum(temp**2, axis=0) - corr**2 / n) / n
            eps = np.finfo(np.float64).eps
            const = var <= n * eps * var + (n * mean * eps) ** 2
            scale = np.sqrt(var)
            scale[const] = 1.0
            X -= mean
            X /= scale
            return X


def f(a):
    """A numpy array as a flat list of Python floats (exact through json)."""
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


out = {"numpy": np.__version__, "scaler": SCALER}

# ---------------------------------------------------------------- the generator itself
rng_ref = {}

# State right after seeding (key words, pos) for an int seed and an array seed.
states = {}
for name, seed in [("int0", 0), ("int3", 3), ("int_max", 2**32 - 1), ("array123", [1, 2, 3])]:
    np.random.seed(seed)
    st = np.random.get_state()
    states[name] = {"seed": seed, "key_head": ints(st[1][:8]), "key_tail": ints(st[1][-4:]), "pos": int(st[2])}
rng_ref["states"] = states

# Raw 32-bit outputs (uint32 randint over the full range is next_uint32 itself).
raw = {}
for seed in [0, 1, 3, 42, 5489, 2**32 - 1]:
    rs = np.random.RandomState(seed)
    raw[str(seed)] = ints(rs.randint(0, 2**32, size=1300, dtype=np.uint32)[[0, 1, 2, 3, 623, 624, 625, 1247, 1248, 1299]])
rng_ref["raw_uint32_at"] = [0, 1, 2, 3, 623, 624, 625, 1247, 1248, 1299]
rng_ref["raw_uint32"] = raw

rs = np.random.RandomState([1, 2, 3])
rng_ref["array_seed_random_sample"] = f(rs.random_sample(5))

samples = {}
for seed in [0, 1, 3, 12345]:
    rs = np.random.RandomState(seed)
    samples[str(seed)] = f(rs.random_sample(20))
rng_ref["random_sample"] = samples

# Legacy normals: an odd count (cached second value), then mixing calls.
np.random.seed(0)
rng_ref["randn_seed0_25"] = f(np.random.randn(25))
np.random.seed(0)
mix = []
mix += f(np.random.randn(3))  # leaves a cached gaussian
mix += f(np.random.random_sample(2))  # does not touch the cache
mix += f(np.random.randn(2))  # first value is the cached one
mix += f(np.random.normal(5.0, 2.0, 3))
rng_ref["mixed_seed0"] = mix
rs = np.random.RandomState(7)
rng_ref["randn_seed7_2000"] = f(rs.randn(2000))

np.random.seed(1)
rng_ref["uniform_seed1"] = f(np.random.uniform(-3.0, 5.0, size=10))
np.random.seed(1)
rng_ref["uniform_broadcast_seed1"] = f(np.random.uniform(low=[0, -1], high=[4, 1], size=(5, 2)))

randint = {}
for hi in [1, 2, 3, 7, 10, 100, 1000, 2**31, 2**32 - 1, 2**32, 2**40, 2**53]:
    rs = np.random.RandomState(11)
    randint[str(hi)] = ints(rs.randint(0, hi, size=12))
rng_ref["randint_seed11"] = randint
rs = np.random.RandomState(11)
rng_ref["randint_offset_seed11"] = ints(rs.randint(-5, 6, size=12))

np.random.seed(3)
rng_ref["choice01_seed3"] = ints(np.random.choice((0, 1), size=30))
np.random.seed(5)
rng_ref["choice_p_seed5"] = ints(np.random.choice(4, size=12, p=[0.1, 0.2, 0.3, 0.4]))
np.random.seed(5)
rng_ref["choice_noreplace_seed5"] = ints(np.random.choice(10, size=4, replace=False))
np.random.seed(9)
rng_ref["permutation_seed9"] = ints(np.random.permutation(10))
np.random.seed(9)
a = np.arange(1000)
np.random.shuffle(a)
rng_ref["shuffle1000_seed9_head"] = ints(a[:20])

# log: the C library's (what legacy_gauss calls, via Python's math.log) and the correctly rounded value.
import math
from decimal import Decimal, getcontext

getcontext().prec = 50
rs = np.random.RandomState(2024)
xs = np.concatenate([rs.random_sample(3000), rs.random_sample(500) ** 16, [1e-300, 5e-324, 0.5, 1.0, 2.0, 1e300, 0.7071067811865476, 1.4142135623730951]])
rng_ref["log_x"] = f(xs)
rng_ref["log_libm"] = [math.log(float(v)) for v in xs]
rng_ref["log_correct"] = [float(Decimal(float(v)).ln()) for v in xs]
out["rng"] = rng_ref

# ---------------------------------------------------------------- article datasets
ds = {}

# Listing 1: X1.
np.random.seed(3)
n = 30
X1 = np.random.randn(n, 2)
y1 = np.random.choice((0, 1), size=n)
X1[y1 > 0, 0] -= 4
X1[y1 > 0, 1] += 4
X1_raw = X1.copy()
scaler = StandardScaler()
X1 = scaler.fit_transform(X1)
ds["x1-blobs"] = {"x": f(X1), "y": ints(y1), "x_raw": f(X1_raw), "rows": len(y1), "features": 2}

# X2: the article plots X2 (Listing 9) but never shows its generating code. Netwright's assumed recipe,
# modelled on Listing 1 with a third feature (keep in sync with src-engine/data/builtin/article.ts):
np.random.seed(3)
n = 30
X2 = np.random.randn(n, 3)
y2 = np.random.choice((0, 1), size=n)
X2[y2 > 0, 0] -= 4
X2[y2 > 0, 1] += 4
X2[y2 > 0, 2] += 4
scaler = StandardScaler()
X2 = scaler.fit_transform(X2)
ds["x2-three-features"] = {"x": f(X2), "y": ints(y2), "rows": len(y2), "features": 3}

# Listing 13: X3.
np.random.seed(0)
xt1 = np.random.randn(50, 2) * 0.4 + np.array([2, 1])
xt2 = np.random.randn(50, 2) * 0.7 + np.array([6, 4])
xt3 = np.random.randn(50, 2) * 0.5 + np.array([2, 6])
y3 = np.array(50 * [1] + 50 * [2] + 50 * [3])
X3 = np.vstack((xt1, xt2, xt3))
X3_raw = X3.copy()
scaler = StandardScaler()
X3 = scaler.fit_transform(X3)
ds["x3-three-gaussians"] = {
    "x": f(X3), "y": ints(y3), "x_raw": f(X3_raw), "rows": len(y3), "features": 2,
    "mean": f(scaler.mean_) if hasattr(scaler, "mean_") else None,
    "scale": f(scaler.scale_) if hasattr(scaler, "scale_") else None,
}

# Listing 17: X4.
np.random.seed(0)
n = 1550
Xt1 = np.random.uniform(low=[0, 0], high=[4, 4], size=(n, 2))
drop = (Xt1[:, 0] < 3) & (Xt1[:, 1] < 3)
Xt1 = Xt1[~drop]
yt1 = np.ones(len(Xt1))

Xt2 = np.random.uniform(low=[0, 0], high=[4, 4], size=(n, 2))
drop = (Xt2[:, 0] > 2.3) | (Xt2[:, 1] > 2.3)

Xt2 = Xt2[~drop]
yt2 = np.zeros(len(Xt2))

X4 = np.concatenate([Xt1, Xt2])
y4 = np.concatenate([yt1, yt2])
scaler = StandardScaler()
X4 = scaler.fit_transform(X4)
ds["x4-l-shape"] = {"x": f(X4), "y": ints(y4), "rows": len(y4), "features": 2, "n_pos": len(yt1), "n_neg": len(yt2)}

# Listing 25 (and 27/29 for the test grid): X5.
np.random.seed(0)
num_points = 100
X5 = np.linspace(0, 1, num_points)
y5 = -(X5 - 0.5) ** 2 + 0.25
X5_test = np.linspace(0, 1, 1000)
ds["x5-parabola"] = {"x": f(X5), "y": f(y5), "x_test": f(X5_test), "y_test": f(-(X5_test - 0.5) ** 2 + 0.25)}

# plot_boundary's grid (Listing 3): np.arange(lims[0], lims[1], (lims[1]-lims[0])/500.0).
ds["grid_axis_x1"] = f(np.arange(-2.3, 1.8, (1.8 - -2.3) / 500.0))
ds["grid_axis_x4"] = f(np.arange(-2, 2, (2 - -2) / 500.0))
out["datasets"] = ds

# ---------------------------------------------------------------- Netwright's classic generators
# The recipes of src-engine/data/builtin/classic.ts, written in NumPy (keep both in sync).
classic = {}


def circle(n=200, noise=0.1, seed=0):
    rs = np.random.RandomState(seed)
    y = (np.arange(n) % 2 == 0).astype(np.int64)  # even rows inside (1), odd rows outside (0)
    u = rs.random_sample(n)
    r = np.where(y == 1, 0.5 * u, 0.7 + 0.3 * u)
    theta = rs.uniform(0.0, 2 * np.pi, n)
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1) + noise * rs.randn(n, 2)
    return X, y


def xor_quadrants(n=200, noise=0.1, seed=0):
    rs = np.random.RandomState(seed)
    P = rs.uniform(-1.0, 1.0, (n, 2))
    y = ((P[:, 0] > 0) != (P[:, 1] > 0)).astype(np.int64)
    X = P + noise * rs.randn(n, 2)
    return X, y


def two_spirals(n=300, noise=0.05, turns=1.5, seed=0):
    rs = np.random.RandomState(seed)
    y = np.arange(n) % 2
    t = np.sqrt(rs.random_sample(n))  # 0..1 along the arm, denser outwards
    a = t * (turns * 2 * np.pi) + np.pi * y
    X = np.stack([t * np.cos(a), t * np.sin(a)], axis=1) + noise * rs.randn(n, 2)
    return X, y


def gaussian_blobs(n=300, k=3, noise=0.75, seed=0):
    rs = np.random.RandomState(seed)
    y = np.arange(n) % k
    ang = 2 * np.pi * y / k
    X = np.stack([3 * np.cos(ang), 3 * np.sin(ang)], axis=1) + noise * rs.randn(n, 2)
    return X, y


for name, fn, kw in [
    ("circle", circle, {"n": 50, "noise": 0.1, "seed": 4}),
    ("xor-quadrants", xor_quadrants, {"n": 50, "noise": 0.1, "seed": 4}),
    ("two-spirals", two_spirals, {"n": 50, "noise": 0.05, "turns": 1.5, "seed": 4}),
    ("gaussian-blobs", gaussian_blobs, {"n": 50, "k": 4, "noise": 0.75, "seed": 4}),
]:
    X, y = fn(**kw)
    classic[name] = {"params": kw, "x": f(X), "y": ints(y)}
out["classic"] = classic

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "builtin", "numpy-reference.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as fh:
    json.dump(out, fh, indent=None, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {os.path.relpath(path)} (numpy {np.__version__}, scaler: {SCALER})", file=sys.stderr)
