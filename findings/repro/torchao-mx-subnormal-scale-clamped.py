"""to_mx (MXFP8 E4M3, FLOOR) of 32 values 2^-120: scale code 0 (2^-127) and elements x / 2^-127 =
128 (E4M3 0x70) per OCP MX; torchao <= 0.18.0 divides by 2^-126 and stores 64 (0x68).
Exit 1 reproduces, 0 fixed, 77 without torch/torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.mx_tensor import to_mx
except ImportError:
    sys.exit(77)

x = torch.full((32,), 2.0**-120, dtype=torch.float32)
scale, data = to_mx(x, torch.float8_e4m3fn, 32)
s, d = int(scale.view(torch.uint8).flatten()[0]), int(data.view(torch.uint8).flatten()[0])
print(f"torchao {torchao.__version__}, torch {torch.__version__}: scale 0x{s:02x}, element 0x{d:02x} "
      f"(OCP MX: scale 0x00, element 0x70 = 128)")
sys.exit(1 if (s, d) == (0x00, 0x68) else 0)
