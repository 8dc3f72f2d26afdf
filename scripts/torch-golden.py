#!/usr/bin/python3
"""Golden values from PyTorch for Netwright's backprop engine.

Writes tests/fixtures/golden/torch-golden.json, which tests/engine/backprop/golden.test.ts compares
the engine against (1e-6 in float64, 1e-4 in float32). Run once from the repository root with
Debian's python (the one `apt-get install python3-torch` installs into):

    /usr/bin/python3 scripts/torch-golden.py

Everything is float64 and written with `repr` floats (exact round trip). Inputs and targets are
multiples of 1/64, exactly representable in float32, so the engine's float32 data path sees the
same values.

Conventions (the engine's, which the JSON uses):
- A net is a Netwright graph: nodes [id, type, params] in topological order, edges [source, target]
  (the order of edges into a merge layer is the order of its inputs).
- Dense/Output `id` has parameters `id.W` of shape [in, out] (torch.nn.Linear's weight transposed)
  and `id.b` of shape [1, out]. Output = activation(x W + b).
- Losses: mse / mae / bce mean over all elements, cce mean over rows, sum_squares a plain sum,
  hinge = mean(relu(1 - t * pred)) with t = 2y - 1, perceptron = mse of step(z).
- Regularization (weights only): loss + l2 * sum(W^2) + l1 * sum(|W|). Clipping: torch's
  clip_grad_norm_ over all parameters.
- Optimizers: torch.optim with the hyperparameters given; RMSprop's `alpha` is the engine's `rho`,
  AdamW's `weight_decay` is `weightDecay`. The same full batch is used for every step.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(20261123)

OUT = os.path.join("tests", "fixtures", "golden", "torch-golden.json")


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=GEN) * scale


def dyadic(t, den=64):
    """Round to multiples of 1/den: exact in float32."""
    return torch.round(t * den) / den


def tolist(t):
    t = t.detach()
    if t.dim() == 1:
        t = t.reshape(1, -1)
    return [[float(v) for v in row] for row in t.tolist()]


ACT = {
    "linear": lambda z, a: z,
    "sigmoid": lambda z, a: torch.sigmoid(z),
    "tanh": lambda z, a: torch.tanh(z),
    "relu": lambda z, a: F.relu(z),
    "leaky_relu": lambda z, a: F.leaky_relu(z, negative_slope=a),
    "elu": lambda z, a: F.elu(z, alpha=a),
    "gelu": lambda z, a: F.gelu(z),  # exact (erf) form, torch's default
    "silu": lambda z, a: F.silu(z),
    "softplus": lambda z, a: F.softplus(z),  # threshold 20: logits here stay far below
    "softmax": lambda z, a: F.softmax(z, dim=1),
    "step": lambda z, a: (z > 0).to(z.dtype),
}


def loss_fn(name, pred, logits, y, activation):
    if name == "sum_squares":
        return F.mse_loss(pred, y, reduction="sum")
    if name == "mse":
        return F.mse_loss(pred, y)
    if name == "mae":
        return F.l1_loss(pred, y)
    if name == "bce":
        if activation == "sigmoid":
            return F.binary_cross_entropy_with_logits(logits, y)
        return F.binary_cross_entropy(pred, y)
    if name == "cce":
        if activation == "softmax":
            return F.cross_entropy(logits, y)  # probability targets, mean over rows
        return F.nll_loss(torch.log(pred), y.argmax(dim=1))  # one-hot targets
    if name == "hinge":
        t = 2 * y - 1
        return torch.clamp(1 - t * pred, min=0).mean()
    if name == "perceptron":
        return F.mse_loss(pred, y)
    raise ValueError(name)


def targets(loss, rows, units):
    if loss == "cce":
        y = torch.zeros(rows, units)
        y[torch.arange(rows), torch.randint(0, units, (rows,), generator=GEN)] = 1
        return y
    if loss in ("bce", "hinge", "perceptron"):
        return (torch.rand(rows, units, generator=GEN) < 0.5).to(torch.float64)
    return dyadic(randn(rows, units))


class Net:
    """A Netwright graph evaluated with torch.nn.Linear layers."""

    def __init__(self, nodes, edges, features):
        self.nodes = nodes
        self.edges = edges
        self.linears = {}
        sizes = {}
        for nid, typ, params in nodes:
            ins = [s for s, t in edges if t == nid]
            if typ == "Input":
                sizes[nid] = features
            elif typ in ("Dense", "Output"):
                lin = torch.nn.Linear(sizes[ins[0]], params["units"], bias=params.get("use_bias", True))
                with torch.no_grad():
                    lin.weight.copy_(randn(params["units"], sizes[ins[0]], scale=0.6))
                    if lin.bias is not None:
                        lin.bias.copy_(randn(params["units"], scale=0.3))
                self.linears[nid] = lin
                sizes[nid] = params["units"]
            elif typ == "Concatenate":
                sizes[nid] = sum(sizes[s] for s in ins)
            else:
                sizes[nid] = sizes[ins[0]]
        self.sizes = sizes

    def parameters(self):
        ps = []
        for nid, lin in self.linears.items():
            ps.append(lin.weight)
            if lin.bias is not None:
                ps.append(lin.bias)
        return ps

    def named(self):
        """Engine names and layouts of the parameters and of their gradients."""
        out, grads = {}, {}
        for nid, lin in self.linears.items():
            out[f"{nid}.W"] = tolist(lin.weight.t())
            if lin.weight.grad is not None:
                grads[f"{nid}.W"] = tolist(lin.weight.grad.t())
            if lin.bias is not None:
                out[f"{nid}.b"] = tolist(lin.bias.reshape(1, -1))
                if lin.bias.grad is not None:
                    grads[f"{nid}.b"] = tolist(lin.bias.grad.reshape(1, -1))
        return out, grads

    def forward(self, x, masks):
        vals = {}
        logits = pred = None
        for nid, typ, params in self.nodes:
            ins = [vals[s] for s, t in self.edges if t == nid]
            if typ == "Input":
                vals[nid] = x
            elif typ in ("Dense", "Output"):
                z = self.linears[nid](ins[0])
                vals[nid] = ACT[params["activation"]](z, params.get("alpha", 0.01))
                if typ == "Output":
                    logits, pred = z, vals[nid]
            elif typ == "Activation":
                vals[nid] = ACT[params["activation"]](ins[0], params.get("alpha", 0.01))
            elif typ == "Softmax":
                vals[nid] = F.softmax(ins[0], dim=1)
            elif typ == "Dropout":
                vals[nid] = ins[0] * masks[f"{nid}.mask"]
            elif typ == "Add":
                acc = ins[0]
                for v in ins[1:]:
                    acc = acc + v
                vals[nid] = acc
            elif typ == "Concatenate":
                vals[nid] = torch.cat(ins, dim=1)
        return logits, pred

    def output(self):
        return next(p for nid, typ, p in self.nodes if typ == "Output")


def regularized(net, data_loss, config):
    total = data_loss
    for lin in net.linears.values():
        if config.get("l2", 0) > 0:
            total = total + config["l2"] * (lin.weight ** 2).sum()
        if config.get("l1", 0) > 0:
            total = total + config["l1"] * lin.weight.abs().sum()
    return total


def chain(features, layers, output):
    nodes = [["in", "Input", {"features": features}]] + layers + [["out", "Output", output]]
    edges = [[nodes[i - 1][0], nodes[i][0]] for i in range(1, len(nodes))]
    return nodes, edges


def net_case(name, nodes, edges, rows=6, config=None, masks=None):
    config = config or {}
    features = nodes[0][2]["features"]
    net = Net(nodes, edges, features)
    out = net.output()
    x = dyadic(randn(rows, features))
    y = targets(out["loss"], rows, out["units"])
    mask_t = {k: torch.tensor(v) for k, v in (masks or {}).items()}
    params, _ = net.named()
    logits, pred = net.forward(x, mask_t)
    data_loss = loss_fn(out["loss"], pred, logits, y, out["activation"])
    total = regularized(net, data_loss, config)
    total.backward()
    extra = {}
    if config.get("clipNorm", 0) > 0:
        norm = float(torch.nn.utils.clip_grad_norm_(net.parameters(), config["clipNorm"]))
        assert norm > 10 * config["clipNorm"], "clipping must be active, and the norm large"
        extra["gradNormBeforeClipping"] = norm
    _, grads = net.named()
    return {
        "name": name,
        "nodes": nodes,
        "edges": edges,
        "config": config,
        "x": tolist(x),
        "y": tolist(y),
        "masks": masks or {},
        "params": params,
        "logits": tolist(logits),
        "pred": tolist(pred),
        "loss": float(data_loss),
        "totalLoss": float(total),
        "grads": grads,
        **extra,
    }


def nets():
    cases = []
    cases.append(net_case("mlp 3-5-4-3 tanh/relu, mse", *chain(3, [
        ["h1", "Dense", {"units": 5, "activation": "tanh"}],
        ["h2", "Dense", {"units": 4, "activation": "relu"}],
    ], {"units": 3, "activation": "linear", "loss": "mse"})))
    for act, alpha in [("linear", 0.01), ("sigmoid", 0.01), ("tanh", 0.01), ("relu", 0.01), ("leaky_relu", 0.2),
                       ("elu", 0.7), ("gelu", 0.01), ("silu", 0.01), ("softplus", 0.01), ("softmax", 0.01)]:
        cases.append(net_case(f"activation {act}", *chain(3, [
            ["h1", "Dense", {"units": 5, "activation": act, "alpha": alpha}],
            ["h2", "Dense", {"units": 4, "activation": act, "alpha": alpha}],
        ], {"units": 2, "activation": "linear", "loss": "mse"})))
    for loss, act, units in [("sum_squares", "linear", 2), ("mse", "tanh", 2), ("mae", "linear", 2), ("bce", "sigmoid", 1),
                             ("bce", "sigmoid", 3), ("cce", "softmax", 3), ("hinge", "linear", 1), ("hinge", "tanh", 2)]:
        cases.append(net_case(f"loss {loss} ({act} x {units})", *chain(4, [
            ["h", "Dense", {"units": 5, "activation": "tanh"}],
        ], {"units": units, "activation": act, "loss": loss}), rows=7))
    cases.append(net_case("layers: Activation, Softmax, Dense without bias", *chain(3, [
        ["d1", "Dense", {"units": 4, "activation": "linear", "use_bias": False}],
        ["a1", "Activation", {"activation": "elu", "alpha": 0.8}],
        ["d2", "Dense", {"units": 4, "activation": "linear"}],
        ["s1", "Softmax", {}],
        ["a2", "Activation", {"activation": "gelu"}],
    ], {"units": 2, "activation": "tanh", "loss": "mse"})))
    mask = [[0.0 if (r * 6 + c) % 3 == 0 else 2.0 for c in range(6)] for r in range(5)]
    cases.append(net_case("dropout with a fixed mask", *chain(3, [
        ["h", "Dense", {"units": 6, "activation": "sigmoid"}],
        ["drop", "Dropout", {"rate": 0.5}],
    ], {"units": 2, "activation": "linear", "loss": "mse"}), rows=5, masks={"drop.mask": mask}))
    cases.append(net_case("dag: Dense a, Dense b -> Add", [
        ["in", "Input", {"features": 3}],
        ["a", "Dense", {"units": 4, "activation": "tanh"}],
        ["b", "Dense", {"units": 4, "activation": "silu"}],
        ["sum", "Add", {}],
        ["out", "Output", {"units": 2, "activation": "linear", "loss": "mse"}],
    ], [["in", "a"], ["in", "b"], ["a", "sum"], ["b", "sum"], ["sum", "out"]]))
    cases.append(net_case("dag: Dense a, Dense b -> Concatenate", [
        ["in", "Input", {"features": 3}],
        ["a", "Dense", {"units": 2, "activation": "relu"}],
        ["b", "Dense", {"units": 3, "activation": "gelu"}],
        ["cat", "Concatenate", {}],
        ["out", "Output", {"units": 3, "activation": "softmax", "loss": "cce"}],
    ], [["in", "a"], ["in", "b"], ["a", "cat"], ["b", "cat"], ["cat", "out"]]))
    cases.append(net_case("dag: residual and three-way merges", [
        ["in", "Input", {"features": 3}],
        ["a", "Dense", {"units": 4, "activation": "tanh"}],
        ["b", "Dense", {"units": 4, "activation": "softplus"}],
        ["c", "Dense", {"units": 4, "activation": "elu", "alpha": 0.5}],
        ["res", "Add", {}],
        ["cat", "Concatenate", {}],
        ["out", "Output", {"units": 1, "activation": "sigmoid", "loss": "bce"}],
    ], [["in", "a"], ["a", "b"], ["a", "c"], ["a", "res"], ["b", "res"], ["c", "res"], ["res", "cat"], ["a", "cat"], ["in", "cat"], ["cat", "out"]]))
    reg_net = chain(3, [["h", "Dense", {"units": 4, "activation": "tanh"}]], {"units": 2, "activation": "linear", "loss": "mse"})
    cases.append(net_case("l1 + l2 regularization", *reg_net, config={"l1": 0.02, "l2": 0.05}))
    # A large gradient norm, so torch's 1e-6 added to the norm is < 1e-7 relative.
    cases.append(net_case("gradient clipping", *chain(3, [["h", "Dense", {"units": 4, "activation": "tanh"}]],
                                                       {"units": 2, "activation": "linear", "loss": "sum_squares"}), rows=12, config={"clipNorm": 0.5}))
    return cases


OPTIMIZERS = [
    ({"name": "sgd", "lr": 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.1)),
    ({"name": "momentum", "lr": 0.05, "momentum": 0.8}, lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8)),
    ({"name": "nesterov", "lr": 0.05, "momentum": 0.7}, lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.7, nesterov=True)),
    ({"name": "adagrad", "lr": 0.1, "eps": 1e-6}, lambda ps: torch.optim.Adagrad(ps, lr=0.1, eps=1e-6)),
    ({"name": "rmsprop", "lr": 0.01, "rho": 0.9, "eps": 1e-6}, lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6)),
    ({"name": "adam", "lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6}, lambda ps: torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.95), eps=1e-6)),
    ({"name": "adamw", "lr": 0.02, "beta1": 0.85, "beta2": 0.99, "eps": 1e-7, "weightDecay": 0.1},
     lambda ps: torch.optim.AdamW(ps, lr=0.02, betas=(0.85, 0.99), eps=1e-7, weight_decay=0.1)),
]


def optimizer_cases():
    nodes, edges = chain(3, [
        ["h1", "Dense", {"units": 5, "activation": "tanh"}],
        ["h2", "Dense", {"units": 4, "activation": "sigmoid"}],
    ], {"units": 3, "activation": "linear", "loss": "mse"})
    template = Net(nodes, edges, 3)
    x = dyadic(randn(8, 3))
    y = dyadic(randn(8, 3))
    init, _ = template.named()
    cases = []
    for cfg, make in OPTIMIZERS:
        net = Net(nodes, edges, 3)
        with torch.no_grad():
            for src, dst in zip(template.parameters(), net.parameters()):
                dst.copy_(src)
        opt = make(net.parameters())
        losses, after = [], {}
        for step in range(1, 4):
            opt.zero_grad()
            logits, pred = net.forward(x, {})
            loss = F.mse_loss(pred, y)
            loss.backward()
            if step == 1:
                smallest = min(float(p.grad.abs().min()) for p in net.parameters())
                assert smallest > 1e-4, "tiny gradients make Adam's first step ill-conditioned in float32"
            opt.step()
            losses.append(float(loss))
            if step in (1, 3):
                after[str(step)], _ = net.named()
        cases.append({"optimizer": cfg, "torch": repr(opt).replace("\n", " "), "losses": losses, "after": after})
    return {"nodes": nodes, "edges": edges, "x": tolist(x), "y": tolist(y), "params": init, "runs": cases}


def loss_cases():
    cases = []
    spec = [
        ("sum_squares", "linear", "normal"), ("mse", "tanh", "normal"), ("mae", "linear", "normal"),
        ("bce", "sigmoid", "binary"), ("bce", "sigmoid", "soft"), ("bce", "linear", "binary"),
        ("cce", "softmax", "onehot"), ("cce", "softmax", "soft"), ("cce", "linear", "onehot"),
        ("hinge", "linear", "binary"), ("hinge", "tanh", "binary"), ("perceptron", "step", "binary"),
    ]
    rows, units = 4, 3
    for loss, act, ykind in spec:
        if act == "linear" and loss in ("bce", "cce"):
            # Not the fused activation: the loss reads pred, which must be a probability.
            logits = dyadic(0.05 + 0.9 * torch.rand(rows, units, generator=GEN))
        else:
            # Odd multiples of 1/128: never exactly at a kink (hinge's 1 - t z = 0, mae's z = y, relu's 0).
            logits = dyadic(randn(rows, units, scale=1.5)) + 1 / 128
        if ykind == "normal":
            y = dyadic(randn(rows, units))
        elif ykind == "binary":
            y = (torch.rand(rows, units, generator=GEN) < 0.5).to(torch.float64)
        elif ykind == "onehot":
            y = torch.zeros(rows, units)
            y[torch.arange(rows), torch.randint(0, units, (rows,), generator=GEN)] = 1
        elif loss == "cce":
            y = F.softmax(dyadic(randn(rows, units)), dim=1)
        else:
            y = dyadic(torch.rand(rows, units, generator=GEN))
        z = logits.clone().requires_grad_(True)
        pred = ACT[act](z, 0.01)
        value = loss_fn(loss, pred, z, y, act)
        case = {"loss": loss, "activation": act, "targets": ykind, "logits": tolist(logits), "y": tolist(y), "value": float(value)}
        if act != "step":
            value.backward()
            case["grad"] = tolist(z.grad)
        cases.append(case)
    return cases


# A small CNN with every image layer, as a Netwright graph evaluated with torch.nn.functional.
# Engine layouts (the JSON's): Conv2D `id.W` [F, C, K, K] (torch's), `id.b` [1, F, 1, 1]; BatchNorm
# `id.gamma|beta|running_mean|running_var` [1, C, 1, 1] on images and [1, F] on features (momentum
# in PyTorch's convention, running variance unbiased); LayerNorm `id.gamma|beta` [1, C, H, W].
CNN_NODES = [
    ["in", "Input", {"shape": "image", "channels": 2, "height": 6, "width": 6}],
    ["c1", "Conv2D", {"filters": 3, "kernel_size": 3, "padding": "same", "activation": "tanh"}],
    ["bn", "BatchNorm", {"momentum": 0.3, "epsilon": 1e-5}],
    ["mp", "MaxPool2D", {"pool_size": 2, "stride": 2, "padding": 0}],
    ["c2", "Conv2D", {"filters": 4, "kernel_size": 2, "padding": "same", "activation": "elu", "alpha": 1.0}],
    ["c3", "Conv2D", {"filters": 3, "kernel_size": 1, "activation": "linear"}],
    ["ap", "AvgPool2D", {"pool_size": 3, "stride": 1, "padding": 1}],
    ["sum", "Add", {}],
    ["cat", "Concatenate", {}],
    ["ln", "LayerNorm", {"epsilon": 1e-5}],
    ["drop", "Dropout", {"rate": 0.5}],
    ["c4", "Conv2D", {"filters": 2, "kernel_size": 2, "dilation": 2, "padding": "explicit", "pad": 1, "activation": "sigmoid"}],
    ["gap", "GlobalAveragePool", {}],
    ["flat", "Flatten", {}],
    ["d", "Dense", {"units": 4, "activation": "tanh"}],
    ["cat2", "Concatenate", {}],
    ["bn1", "BatchNorm", {"momentum": 0.1, "epsilon": 1e-3}],
    ["rs", "Reshape", {"channels": 1, "height": 2, "width": 3}],
    ["flat2", "Flatten", {}],
    ["out", "Output", {"units": 3, "activation": "softmax", "loss": "cce"}],
]
CNN_EDGES = [["in", "c1"], ["c1", "bn"], ["bn", "mp"], ["mp", "c2"], ["c2", "c3"], ["mp", "ap"], ["c3", "sum"], ["ap", "sum"],
             ["sum", "cat"], ["mp", "cat"], ["cat", "ln"], ["ln", "drop"], ["drop", "c4"], ["c4", "gap"], ["drop", "flat"],
             ["flat", "d"], ["gap", "cat2"], ["d", "cat2"], ["cat2", "bn1"], ["bn1", "rs"], ["rs", "flat2"], ["flat2", "out"]]


def cnn_params():
    """Engine-layout parameters (torch tensors with gradients) and the running statistics."""
    p = {}
    def conv(nid, f, c, k):
        p[f"{nid}.W"] = randn(f, c, k, k, scale=0.5)
        p[f"{nid}.b"] = randn(1, f, 1, 1, scale=0.2)
    conv("c1", 3, 2, 3)
    conv("c2", 4, 3, 2)
    conv("c3", 3, 4, 1)
    conv("c4", 2, 6, 2)
    p["bn.gamma"] = 1 + randn(1, 3, 1, 1, scale=0.2)
    p["bn.beta"] = randn(1, 3, 1, 1, scale=0.2)
    p["ln.gamma"] = 1 + randn(1, 6, 3, 3, scale=0.2)
    p["ln.beta"] = randn(1, 6, 3, 3, scale=0.2)
    p["d.W"] = randn(54, 4, scale=0.3)
    p["d.b"] = randn(1, 4, scale=0.2)
    p["bn1.gamma"] = 1 + randn(1, 6, scale=0.2)
    p["bn1.beta"] = randn(1, 6, scale=0.2)
    p["out.W"] = randn(6, 3, scale=0.5)
    p["out.b"] = randn(1, 3, scale=0.2)
    stats = {
        "bn.running_mean": randn(1, 3, 1, 1, scale=0.3), "bn.running_var": 0.5 + torch.rand(1, 3, 1, 1, generator=GEN),
        "bn1.running_mean": randn(1, 6, scale=0.3), "bn1.running_var": 0.5 + torch.rand(1, 6, generator=GEN),
    }
    return {k: v.clone().requires_grad_(True) for k, v in p.items()}, stats


def cnn_forward(p, stats, x, mask, training):
    """The graph above; in training mode batch norm uses batch statistics and updates `stats` in place."""
    def conv(v, nid, pads, dilation=1, act="linear"):
        top, left, bottom, right = pads
        z = F.conv2d(F.pad(v, (left, right, top, bottom)), p[f"{nid}.W"], p[f"{nid}.b"].reshape(-1), dilation=dilation)
        return ACT[act](z, 1.0)
    def bn(v, nid, momentum, eps):
        rm, rv = stats[f"{nid}.running_mean"], stats[f"{nid}.running_var"]
        flat_rm, flat_rv = rm.reshape(-1).clone(), rv.reshape(-1).clone()
        out = F.batch_norm(v, flat_rm, flat_rv, p[f"{nid}.gamma"].reshape(-1), p[f"{nid}.beta"].reshape(-1),
                           training=training, momentum=momentum, eps=eps)
        if training:
            stats[f"{nid}.running_mean"] = flat_rm.reshape(rm.shape)
            stats[f"{nid}.running_var"] = flat_rv.reshape(rv.shape)
        return out
    c1 = conv(x.reshape(-1, 2, 6, 6), "c1", (1, 1, 1, 1), act="tanh")
    b = bn(c1, "bn", 0.3, 1e-5)
    mp = F.max_pool2d(b, 2, 2)
    c2 = conv(mp, "c2", (0, 0, 1, 1), act="elu")  # 'same' with an even kernel: the extra row and column at the end
    c3 = conv(c2, "c3", (0, 0, 0, 0))
    ap = F.avg_pool2d(mp, 3, 1, 1, count_include_pad=True)
    cat = torch.cat([c3 + ap, mp], dim=1)
    ln = F.layer_norm(cat, [6, 3, 3], p["ln.gamma"][0], p["ln.beta"][0], eps=1e-5)
    drop = ln * mask
    c4 = conv(drop, "c4", (1, 1, 1, 1), dilation=2, act="sigmoid")
    gap = c4.mean(dim=(2, 3))
    d = torch.tanh(torch.flatten(drop, 1) @ p["d.W"] + p["d.b"])
    b1 = bn(torch.cat([gap, d], dim=1), "bn1", 0.1, 1e-3)
    flat2 = torch.flatten(b1.reshape(-1, 1, 2, 3), 1)
    logits = flat2 @ p["out.W"] + p["out.b"]
    return logits, F.softmax(logits, dim=1)


def flatshape(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def cnn_case():
    rows = 5
    x = dyadic(randn(rows, 2 * 6 * 6))
    y = torch.zeros(rows, 3)
    y[torch.arange(rows), torch.randint(0, 3, (rows,), generator=GEN)] = 1
    mask = torch.tensor([[[[0.0 if (r + c + i + j) % 3 == 0 else 2.0 for j in range(3)] for i in range(3)] for c in range(6)]
                         for r in range(rows)])
    p0, stats0 = cnn_params()
    params = {k: flatshape(v) for k, v in p0.items()} | {k: flatshape(v) for k, v in stats0.items()}

    def run(opt_name=None):
        p = {k: v.detach().clone().requires_grad_(True) for k, v in p0.items()}
        stats = {k: v.clone() for k, v in stats0.items()}
        logits, pred = cnn_forward(p, stats, x, mask, training=True)
        loss = F.cross_entropy(logits, y)
        opt = None
        if opt_name == "sgd":
            opt = torch.optim.SGD(list(p.values()), lr=0.1)
        elif opt_name == "adam":
            opt = torch.optim.Adam(list(p.values()), lr=0.01, betas=(0.9, 0.999), eps=1e-8)
        loss.backward()
        if opt:
            opt.step()
        return p, stats, logits, pred, loss

    p, stats, logits, pred, loss = run()
    grads = {k: flatshape(v.grad) for k, v in p.items()}
    with torch.no_grad():
        _, eval_pred = cnn_forward(p, stats, x, torch.ones_like(mask), training=False)
    steps = {}
    for name, cfg in [("sgd", {"name": "sgd", "lr": 0.1}), ("adam", {"name": "adam", "lr": 0.01})]:
        pa, sa, _, _, _ = run(name)
        steps[name] = {"optimizer": cfg, "after": {k: flatshape(v) for k, v in pa.items()} | {k: flatshape(v) for k, v in sa.items()}}
    return {
        "nodes": CNN_NODES, "edges": CNN_EDGES, "x": tolist(x), "y": tolist(y),
        "masks": {"drop.mask": [[float(v) for v in row] for row in mask.reshape(rows, -1).tolist()]},
        "params": params, "logits": tolist(logits), "pred": tolist(pred), "loss": float(loss), "grads": grads,
        "running": {k: flatshape(v) for k, v in stats.items()},
        "evalPred": tolist(eval_pred),
        "steps": steps,
    }


def main():
    doc = {
        "generator": "scripts/torch-golden.py",
        "torch": torch.__version__,
        "dtype": "float64",
        "conventions": __doc__.split("Conventions (the engine's, which the JSON uses):")[1].strip(),
        "nets": nets(),
        "optimizers": optimizer_cases(),
        "losses": loss_cases(),
        "cnn": cnn_case(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(doc['nets'])} nets, {len(doc['optimizers']['runs'])} optimizers, {len(doc['losses'])} losses")


if __name__ == "__main__":
    main()
