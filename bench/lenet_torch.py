#!/usr/bin/python3
"""LeNet-5 training rounds in PyTorch on the data `bench/lenet.ts` passes (float32 pixels and int64
labels as raw files): Adam 1e-3, batch 64. Reads one line per round from stdin ("default" or "1":
the thread count) and answers each with one JSON line: samples/s of one epoch (wall clock and per CPU-second of this
process) and the thread count.
The first line it prints says it is ready (torch imported, the model warmed up)."""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

x_file, y_file, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
x = torch.from_numpy(np.fromfile(x_file, dtype=np.float32).reshape(rows, 1, 28, 28))
y = torch.from_numpy(np.fromfile(y_file, dtype=np.int64))
DEFAULT_THREADS = torch.get_num_threads()

torch.manual_seed(1)
model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()


def epoch():
    t0 = time.perf_counter()
    c0 = time.process_time()
    for s in range(0, rows - 63, 64):
        opt.zero_grad()
        loss_fn(model(x[s:s + 64]), y[s:s + 64]).backward()
        opt.step()
    n = (rows // 64) * 64
    return n / (time.perf_counter() - t0), n / (time.process_time() - c0)


epoch()  # warm-up
print(json.dumps({"ready": True, "torch": torch.__version__, "threads": DEFAULT_THREADS}), flush=True)
for line in sys.stdin:
    threads = DEFAULT_THREADS if line.strip() == "default" else int(line)
    torch.set_num_threads(threads)
    wall, cpu = epoch()
    print(json.dumps({"rate": wall, "cpu": cpu, "threads": threads}), flush=True)
