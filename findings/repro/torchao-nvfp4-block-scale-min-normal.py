"""torchao nvfp4_quantize (single-level) of a block [0.05, 0.01 x 15]: the block scale is clamped to
E4M3's smallest normal 2^-6 (code 0x08); the NVFP4 definition gives 0.05 / 6 rounded to E4M3 =
0x04 (a subnormal scale). Exit 1 reproduces, 0 not, 77 without torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize
except ImportError:
    sys.exit(77)

x = torch.full((1, 16), 0.01, dtype=torch.float32)
x[0, 0] = 0.05
scales, _ = nvfp4_quantize(x, 16)
s = int(scales.view(torch.uint8).flatten()[0])
print(f"torchao {torchao.__version__}: block scale code 0x{s:02x} (NVFP4 definition: 0x04)")
sys.exit(1 if s == 0x08 else 0)
