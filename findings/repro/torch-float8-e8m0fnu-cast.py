"""torch CPU casts to float8_e8m0fnu: float32 1.25 * 2^-127 -> 0x01 (2^-126), correctly 0x00
(2^-127); float32 -1.0 -> 0x7f (the code of +1.0), where ml_dtypes gives NaN (0xff).
Exit 1 reproduces (the rounding), 0 not, 77 without torch or without float8_e8m0fnu."""
import sys

try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(77)
if not hasattr(torch, "float8_e8m0fnu"):
    sys.exit(77)

x = torch.from_numpy(np.array([0x00500000], dtype=np.uint32).view(np.float32))
got = int(x.to(torch.float8_e8m0fnu).view(torch.uint8)[0])
neg = int(torch.tensor([-1.0]).to(torch.float8_e8m0fnu).view(torch.uint8)[0])
print(f"torch {torch.__version__} (CPU): float32 1.25*2^-127 -> E8M0 0x{got:02x} (correct 0x00); "
      f"-1.0 -> 0x{neg:02x} (ml_dtypes and fpconform: NaN 0xff)")
sys.exit(1 if got != 0x00 else 0)
