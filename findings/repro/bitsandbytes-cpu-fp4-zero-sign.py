"""quantize_4bit FP4 on the CPU: codes of 1e-3 and -1e-3 in a block with absmax 1 are 8 and 0
(the opposite sign's zero); CUDA gives 0 and 8. Exit 1 reproduces, 0 not, 77 without bitsandbytes."""
import sys

try:
    import bitsandbytes
    import bitsandbytes.functional as F
    import torch
except ImportError:
    sys.exit(77)

x = torch.zeros(64, dtype=torch.float32)
x[0], x[1], x[2] = 1.0, 1e-3, -1e-3
packed, _ = F.quantize_4bit(x, blocksize=64, quant_type="fp4")
b = packed.view(torch.uint8).flatten()
codes = [int(b[0]) >> 4, int(b[0]) & 0xF, int(b[1]) >> 4]  # bitsandbytes packs the first element high
print(f"bitsandbytes {bitsandbytes.__version__} (CPU): codes of 1, 1e-3, -1e-3: {codes} (CUDA: 1e-3 -> 0, -1e-3 -> 8)")
sys.exit(1 if codes[1:] == [8, 0] else 0)
