"""2^-75 * 2^-75 in ml_dtypes.float8_e8m0fnu: NaN where the exact 2^-150 rounds to 2^-127.
Exit 1 when it reproduces, 0 when fixed, 77 without ml_dtypes."""
import sys

try:
    import ml_dtypes
    import numpy as np
except ImportError:
    sys.exit(77)

a = np.array([2.0**-75], dtype=ml_dtypes.float8_e8m0fnu)
got = (a * a).view(np.uint8)[0]
print(f"ml_dtypes {ml_dtypes.__version__}: 2^-75 * 2^-75 -> code 0x{got:02x} (expected 0x00 = 2^-127)")
sys.exit(1 if got != 0x00 else 0)
