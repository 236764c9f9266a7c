"""np.minimum(-0, +0) on ml_dtypes.bfloat16 gives +0 (IEEE 754-2019 minimum: -0).
Exit 1 when it reproduces, 0 when not, 77 without ml_dtypes."""
import sys

try:
    import ml_dtypes
    import numpy as np
except ImportError:
    sys.exit(77)

a = np.array([-0.0], dtype=ml_dtypes.bfloat16)
b = np.array([0.0], dtype=ml_dtypes.bfloat16)
got = int(np.minimum(a, b).view(np.uint16)[0])
print(f"ml_dtypes {ml_dtypes.__version__}: minimum(-0, +0) -> 0x{got:04x} (IEEE: 0x8000)")
sys.exit(1 if got == 0x0000 else 0)
