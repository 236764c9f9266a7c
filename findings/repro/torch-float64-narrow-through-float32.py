"""float64 0x3e77ffffffffffff -> float16 in torch (CPU): 0x0002 through float32, correctly 0x0001.
Exit 1 reproduces, 0 not, 77 without torch."""
import sys

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)

x = torch.tensor([0x3E77FFFFFFFFFFFF], dtype=torch.int64).view(torch.float64)
got = int(x.to(torch.float16).view(torch.int16).item()) & 0xFFFF
ref = int(np.array([0x3E77FFFFFFFFFFFF], dtype=np.uint64).view(np.float64).astype(np.float16).view(np.uint16)[0])
print(f"torch {torch.__version__}: float64 0x3e77ffffffffffff -> float16 0x{got:04x} (numpy, correctly rounded: 0x{ref:04x})")
sys.exit(1 if got != 0x0001 else 0)
