"""PyTorch side of `npm run bench`: trains the bench's workloads, one JSON command per line on stdin.

Each workload's model, starting weights, loss and optimizer come from the training script Netwright
exports for it (export --format pytorch-train), imported as a module; the data are the bench's own
float32 rows. The loop is the usual PyTorch one: a random permutation per epoch, forward, loss,
backward, optimizer step, and the loss and correct rows summed as Netwright's trainer does.

  {"cmd": "load", "id": "mlp", "script": PATH, "x": PATH, "y": PATH, "rows": N, "features": F,
   "targets": T, "batch": B, "epochs": E, "unit": "samples/s"}   -> {"ok": true}
  {"cmd": "run", "id": "mlp"}                                    -> {"ok": true, "rate": R}
"""
import importlib.util
import json
import sys
import time

import numpy as np
import torch

workloads = {}


def load(cmd):
    spec = importlib.util.spec_from_file_location("netwright_" + cmd["id"].replace("-", "_"), cmd["script"])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    x = torch.from_numpy(np.fromfile(cmd["x"], dtype="<f4").reshape(cmd["rows"], cmd["features"]))
    y = torch.from_numpy(np.fromfile(cmd["y"], dtype="<f4").reshape(cmd["rows"], cmd["targets"]))
    torch.manual_seed(1)
    model = mod.NetwrightModel()
    mod.load_initial_weights(model)
    model.train()
    # The command first: its "x" and "y" are file paths, replaced here by the tensors read from them.
    workloads[cmd["id"]] = {**cmd, "mod": mod, "x": x, "y": y, "model": model, "opt": mod.make_optimizer(model.parameters())}


def run(w):
    mod, model, opt, x, y = w["mod"], w["model"], w["opt"], w["x"], w["y"]
    n, bs, epochs = w["rows"], w["batch"], w["epochs"]
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n)
        sums = torch.zeros(2, dtype=torch.float64)
        for start in range(0, n, bs):
            idx = perm[start : start + bs]
            xb, yb = x[idx], y[idx]
            logits, pred = model(xb)
            loss = mod.data_loss(logits, pred, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                sums[0] += loss.detach() * len(idx)
                if mod.TASK != "regression":
                    sums[1] += mod.correct_count(pred, yb)
        float(sums[0])
    sec = time.perf_counter() - t0
    return n * epochs / sec if w["unit"] == "samples/s" else epochs / sec


def main():
    print(json.dumps({"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if cmd["cmd"] == "load":
                load(cmd)
                reply = {"ok": True}
            elif cmd["cmd"] == "run":
                reply = {"ok": True, "rate": run(workloads[cmd["id"]])}
            else:
                reply = {"ok": False, "error": "unknown command %r" % cmd["cmd"]}
        except Exception as e:  # reported to the bench, which prints it in the table
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
