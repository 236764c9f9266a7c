"""NVFP4 dynamic per-tensor scale of [1e-37, 1e-38, -3.3e-38, 0...]: torchao saturates to codes
7, 7, 0xf; the ideal codes are 7, 1, 0xc. Exit 1 reproduces, 0 fixed, 77 without torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
except ImportError:
    sys.exit(77)

x = torch.zeros(1, 16, dtype=torch.float32)
x[0, :3] = torch.tensor([1e-37, 1e-38, -3.3e-38])
p = per_tensor_amax_to_scale(torch.max(torch.abs(x)))
_, data = nvfp4_quantize(x, 16, per_tensor_scale=p)
packed = data.view(torch.uint8).flatten()
codes = [int(packed[0]) & 0xF, int(packed[0]) >> 4, int(packed[1]) & 0xF]
print(f"torchao {torchao.__version__}: codes {[hex(c) for c in codes]} (ideal ['0x7', '0x1', '0xc'])")
sys.exit(1 if codes[1] == 0x7 else 0)
