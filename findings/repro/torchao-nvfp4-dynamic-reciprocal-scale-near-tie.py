"""NVFP4 with a dynamic per-tensor scale of the tensor [0.75, 6, 0 x 14]: torchao gives element
code 1 (0.5) for 0.75, the ideal quantization code 2 (1.0). Exit 1 reproduces, 0 fixed, 77
without torchao.

Worked by hand: amax 6, so P = 6 / 2688 and the E4M3 block scale is S = (6 / 6) / P = 448
exactly: the ideal scaled element is 0.75 * 2688 / (6 * 448) = 0.75, an exact midpoint between
E2M1's 0.5 (code 1) and 1.0 (code 2), which rounds to even: code 2. torchao multiplies by the
float32 (1 / P) / S = 0.99999994 (1 - 2^-24), so 0.75 becomes 0.74999996, below the midpoint."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
except ImportError:
    sys.exit(77)

x = torch.zeros(1, 16, dtype=torch.float32)
x[0, 0], x[0, 1] = 0.75, 6.0
p = per_tensor_amax_to_scale(torch.max(torch.abs(x)))  # use_dynamic_per_tensor_scale
scales, data = nvfp4_quantize(x, 16, per_tensor_scale=p)
packed = data.view(torch.uint8).flatten()
codes = [int(packed[0]) & 0xF, int(packed[0]) >> 4]
scale = int(scales.view(torch.uint8).flatten()[0])
reciprocal = float((1.0 / p) / scales.to(torch.float32).flatten()[0])
print(f"torchao {torchao.__version__}: codes {[hex(c) for c in codes]}, scale {scale:#x}, (1/P)/S = {reciprocal!r} "
      f"(ideal: codes ['0x2', '0x7'], scale 0x7e, multiplier 1)")
sys.exit(1 if codes[0] == 0x1 else 0)
