#!/usr/bin/python3
"""Golden values from PyTorch for `netwright step` (the learning lab's step-through).

Writes tests/fixtures/golden/torch-step-golden.json, which tests/engine/lab/step.test.ts compares
`netwright step --dtype float64 --json` against. Run once from the repository root with Debian's
python (apt-get install python3-torch):

    /usr/bin/python3 scripts/torch-step-golden.py

For each network: the graph (Netwright's nodes and edges), starting weights ([in, out] matrices as
the engine stores them, biases [1, out]), a batch (features, and targets as the data file holds
them), the training settings, and what one training step computes in float64: every layer's output
and the gradient of the loss with respect to it (torch's retain_grad), the loss, each parameter's
gradient, its value after the optimizer's step (torch.optim), and the optimizer's state.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(20261204)
OUT = os.path.join("tests", "fixtures", "golden", "torch-step-golden.json")


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN) * scale


def dyadic(t, den=64):
    """Multiples of 1/den: exact in CSV text and in float32."""
    return torch.round(t * den) / den


def flat(t):
    """Row-major values; None (JSON null) for a gradient the loss does not reach."""
    if t is None:
        return None
    return [float(v) for v in t.detach().reshape(-1).tolist()]


ACT = {
    "sigmoid": torch.sigmoid,
    "relu": F.relu,
    "tanh": torch.tanh,
    "gelu": F.gelu,
    "softmax": lambda z: F.softmax(z, dim=1),
    "linear": lambda z: z,
}

NETS = [
    {
        # The from-scratch article's 3-4-1 net: sigmoid units, sum of squares, plain gradient descent.
        "name": "from-scratch 3-4-1 sum of squares, SGD",
        "features": 3,
        "layers": [("hidden", 4, "sigmoid")],
        "output": (1, "sigmoid", "sum_squares"),
        "rows": 4,
        "classes": None,
        "optimizer": {"name": "sgd", "lr": 1.0},
        "l2": 0.0,
    },
    {
        "name": "softmax over 3 classes, Adam",
        "features": 2,
        "layers": [("hidden", 5, "relu")],
        "output": (3, "softmax", "cce"),
        "rows": 6,
        "classes": 3,
        "optimizer": {"name": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "l2": 0.0,
    },
    {
        "name": "tanh and gelu layers, BCE, momentum with L2",
        "features": 4,
        "layers": [("h1", 6, "tanh"), ("h2", 3, "gelu")],
        "output": (1, "sigmoid", "bce"),
        "rows": 5,
        "classes": None,
        "optimizer": {"name": "momentum", "lr": 0.1, "momentum": 0.9},
        "l2": 0.01,
    },
]


def run(net):
    F_in = net["features"]
    rows = net["rows"]
    x = dyadic(randn(rows, F_in))
    units_out, act_out, loss_name = net["output"]
    if net["classes"]:
        labels = torch.tensor([r % net["classes"] for r in range(rows)])
        y = F.one_hot(labels, net["classes"]).to(torch.float64)
        target_column = [int(v) for v in labels.tolist()]
    else:
        labels = torch.tensor([(r * 7 + 1) % 2 for r in range(rows)], dtype=torch.float64)
        y = labels.reshape(-1, 1)
        target_column = [int(v) for v in labels.tolist()]
    weights = {}
    sizes = [F_in] + [u for _, u, _ in net["layers"]] + [units_out]
    ids = [i for i, _, _ in net["layers"]] + ["output"]
    for k, nid in enumerate(ids):
        weights[nid + ".W"] = dyadic(randn(sizes[k], sizes[k + 1], scale=0.7)).requires_grad_(True)
        weights[nid + ".b"] = dyadic(randn(1, sizes[k + 1], scale=0.3)).requires_grad_(True)
    # Forward, keeping every layer's output and pre-activation.
    values = {"input": x.clone().requires_grad_(True)}
    h = values["input"]
    pre = {}
    for k, nid in enumerate(ids):
        act = net["layers"][k][2] if k < len(net["layers"]) else act_out
        z = h @ weights[nid + ".W"] + weights[nid + ".b"]
        z.retain_grad()
        pre[nid] = z
        h = ACT[act](z)
        h.retain_grad()
        values[nid] = h
    logits = pre["output"]
    if loss_name == "sum_squares":
        loss = F.mse_loss(h, y, reduction="sum")
    elif loss_name == "cce":
        loss = F.cross_entropy(logits, labels)
    else:
        loss = F.binary_cross_entropy_with_logits(logits, y)
    objective = loss + net["l2"] * sum((weights[n + ".W"] ** 2).sum() for n in ids)
    objective.backward()
    params = list(weights.values())
    o = net["optimizer"]
    if o["name"] == "sgd":
        opt = torch.optim.SGD(params, lr=o["lr"])
    elif o["name"] == "momentum":
        opt = torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"])
    else:
        opt = torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    before = {k: flat(v) for k, v in weights.items()}
    grads = {k: flat(v.grad) for k, v in weights.items()}
    opt.step()
    out_params = {}
    for k, v in weights.items():
        st = opt.state[v]
        state = {}
        if st.get("momentum_buffer") is not None:
            state["v"] = flat(st["momentum_buffer"])
        if "exp_avg" in st:
            state["m"] = flat(st["exp_avg"])
            state["v"] = flat(st["exp_avg_sq"])
        out_params[k] = {"shape": list(v.shape), "value": before[k], "grad": grads[k], "next": flat(v), "state": state}
    nodes = [["input", "Input", {"features": F_in}]]
    for nid, u, act in net["layers"]:
        nodes.append([nid, "Dense", {"units": u, "activation": act}])
    nodes.append(["output", "Output", {"units": units_out, "activation": act_out, "loss": loss_name}])
    order = ["input"] + ids
    return {
        "name": net["name"],
        "nodes": nodes,
        "edges": [[order[i], order[i + 1]] for i in range(len(order) - 1)],
        "training": {"optimizer": o, "l2": net["l2"], "batchSize": 0, "shuffle": False, "epochs": 1},
        "x": [[float(v) for v in r] for r in x.tolist()],
        "target": target_column,
        "loss": float(loss),
        "objective": float(objective),
        "node_values": {
            n: {
                "output": flat(values[n]),
                "grad": flat(values[n].grad),
                **({"pre": flat(pre[n]), "pre_grad": flat(pre[n].grad)} if n in pre else {}),
            }
            for n in order
        },
        "params": out_params,
    }


if __name__ == "__main__":
    data = {"torch": torch.__version__, "nets": [run(n) for n in NETS]}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
    print(f"wrote {OUT}: {len(data['nets'])} nets")
