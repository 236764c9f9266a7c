"""float32 8.0 and inf cast to ml_dtypes.int4 give 0 (saturation would give 7).
Exit 1 when it reproduces, 0 when not, 77 without ml_dtypes."""
import sys
import warnings

try:
    import ml_dtypes
    import numpy as np
except ImportError:
    sys.exit(77)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    got = np.array([8.0, np.inf], dtype=np.float32).astype(ml_dtypes.int4).astype(np.int8).tolist()
print(f"ml_dtypes {ml_dtypes.__version__}: int4(8.0), int4(inf) -> {got} (saturating: [7, 7])")
sys.exit(1 if got == [0, 0] else 0)
