"""to_mx MXFP4 RCEIL (eager) of a block whose amax is 0x0ec00001 (6 * 2^-100, one ulp up): the
round-up rule gives scale 2^-99 (E8M0 0x1c); torchao <= 0.18.0 gives 2^-100 (0x1b).
Exit 1 reproduces, 0 fixed, 77 without torch/torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.mx_tensor import to_mx
except ImportError:
    sys.exit(77)

x = torch.zeros(32, dtype=torch.float32)
x[0] = torch.tensor([0x0EC00001], dtype=torch.int32).view(torch.float32)[0]
scale, _ = to_mx(x, torch.float4_e2m1fn_x2, 32, scaling_mode=ScaleCalculationMode.RCEIL)
s = int(scale.view(torch.uint8).flatten()[0])
print(f"torchao {torchao.__version__}: RCEIL scale code 0x{s:02x} (round-up rule: 0x1c = 2^-99)")
sys.exit(1 if s == 0x1B else 0)
