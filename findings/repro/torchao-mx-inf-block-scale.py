"""to_mx MXFP8 E4M3 FLOOR of a block [inf, 1, ..., 1]: torchao <= 0.18.0 gives scale 0xf7; the
microxcaling reference (and torchao main) 0xff. Exit 1 reproduces, 0 not, 77 without torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.mx_tensor import to_mx
except ImportError:
    sys.exit(77)

x = torch.ones(32, dtype=torch.float32)
x[0] = float("inf")
scale, _ = to_mx(x, torch.float8_e4m3fn, 32)
s = int(scale.view(torch.uint8).flatten()[0])
print(f"torchao {torchao.__version__}: FLOOR scale of a block with +inf: 0x{s:02x} (reference: 0xff)")
sys.exit(1 if s != 0xFF else 0)
