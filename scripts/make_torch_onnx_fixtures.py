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


class ConvNet(nn.Module):
    """Not a perceptron: the importer must refuse it, naming the Conv node."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 3)
        self.fc = nn.Linear(2 * 4, 2)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x.unsqueeze(1))), 1))


MODELS = {
    "torch_relu_softmax": (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3), nn.Softmax(dim=1)), 4),
    "torch_leaky_nobias_linear": (nn.Sequential(nn.Linear(2, 6, bias=False), nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Linear(6, 2)), 2),
    "torch_elu_sigmoid": (nn.Sequential(nn.Linear(5, 7), nn.ELU(alpha=0.7), nn.Linear(7, 4), nn.Softplus(), nn.Linear(4, 1), nn.Sigmoid()), 5),
    "torch_matmul_tanh": (MatMulMlp(), 3),
    "torch_conv_refused": (ConvNet(), 6),
}

for name, (model, features) in MODELS.items():
    model.eval()
    x = torch.randn(16, features)
    path = os.path.join(OUT, f"{name}.onnx")
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    with torch.no_grad():
        y = model(x)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump({"features": features, "x": x.tolist(), "y": y.tolist()}, f)
    print("wrote", path)
