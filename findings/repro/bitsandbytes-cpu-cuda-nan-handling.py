"""quantize_4bit NF4 on the CPU of a block holding one NaN: the absmax is NaN and every code 15
(the CUDA kernel skips NaN in the absmax: 1.0). Exit 1 reproduces, 0 not, 77 without bitsandbytes."""
import math
import sys

try:
    import bitsandbytes
    import bitsandbytes.functional as F
    import torch
except ImportError:
    sys.exit(77)

x = torch.full((64,), 0.5, dtype=torch.float32)
x[0], x[1] = float("nan"), 1.0
_, state = F.quantize_4bit(x, blocksize=64, quant_type="nf4")
absmax = float(state.absmax.flatten()[0])
print(f"bitsandbytes {bitsandbytes.__version__} (CPU): absmax of a block with one NaN: {absmax} (CUDA: 1.0)")
sys.exit(1 if math.isnan(absmax) else 0)
