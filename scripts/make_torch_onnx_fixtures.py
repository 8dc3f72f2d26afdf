#!/usr/bin/python3
"""Write the PyTorch-made ONNX fixtures of tests/engine/onnx/import.test.ts.

Run with Debian's torch (apt-get install python3-torch):  /usr/bin/python3 scripts/make_torch_onnx_fixtures.py
Each model is exported with torch.onnx.export (dynamic batch) next to a JSON file holding sample
inputs and PyTorch's outputs for them, which the importer's predictions must reproduce.
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "onnx")
torch.manual_seed(0)


class MatMulMlp(nn.Module):
    """x @ W + b written out, so the export has MatMul + Add instead of Gemm."""

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(3, 5) * 0.5)
        self.b1 = nn.Parameter(torch.randn(5) * 0.1)
        self.w2 = nn.Parameter(torch.randn(5, 2) * 0.5)
        self.b2 = nn.Parameter(torch.randn(2) * 0.1)

    def forward(self, x):
        h = torch.tanh(x @ self.w1 + self.b1)
        return torch.sigmoid(h @ self.w2 + self.b2)


def lenet():
    """LeNet-5 as the issue describes it (61,706 parameters)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10), nn.Softmax(dim=1),
    )


def bn_cnn():
    """Batch norm after a pooling layer (torch folds a BatchNorm2d that follows a Conv2d into it), average
    pooling, a strided convolution, global average pooling. Its running statistics are made non-trivial."""
    m = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.BatchNorm2d(4),
        nn.Conv2d(4, 6, 3, stride=2), nn.Tanh(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3), nn.Softmax(dim=1),
    )
    with torch.no_grad():
        m[3].running_mean.copy_(torch.randn(4) * 0.3)
        m[3].running_var.copy_(torch.rand(4) + 0.5)
        m[3].weight.copy_(torch.rand(4) + 0.5)
        m[3].bias.copy_(torch.randn(4) * 0.2)
    return m


class GroupedConv(nn.Module):
    """A depthwise (grouped) convolution: the importer must refuse it, naming the Conv node."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, groups=2)
        self.fc = nn.Linear(2 * 4 * 4, 2)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


MODELS = {
    "torch_relu_softmax": (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=1)), 4),
    "torch_leaky_nobias_linear": (nn.Sequential(nn.Linear(2, 6, bias=False), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(6, 2)), 2),
    "torch_elu_sigmoid": (nn.Sequential(nn.Linear(5, 7), nn.ELU(alpha=0.7), nn.Linear(7, 4), nn.Softplus(), nn.Linear(4, 1), nn.Sigmoid()), 5),
    "torch_matmul_tanh": (MatMulMlp(), 3),
    "torch_lenet": (lenet(), (1, 28, 28)),
    "torch_bn_cnn": (bn_cnn(), (3, 10, 10)),
    "torch_grouped_conv_refused": (GroupedConv(), (2, 6, 6)),
}

for name, (model, features) in MODELS.items():
    model.eval()
    shape = features if isinstance(features, tuple) else (features,)
    x = torch.randn(16 if len(shape) == 1 else 8, *shape)
    path = os.path.join(OUT, f"{name}.onnx")
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    with torch.no_grad():
        y = model(x)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        flat = x.reshape(x.shape[0], -1)
        json.dump({"features": flat.shape[1], "shape": list(shape), "x": flat.tolist(), "y": y.tolist()}, f)
    print("wrote", path)
