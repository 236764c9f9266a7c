"""bfloat16 0x0081 * 0x3f7e = 2^-126 * (1 - 2^-14) rounds to 2^-126 (0x0080), but XLA CPU flushes the
float32 product first and gives 0. Exit 1 reproduces, 0 not, 77 without jax."""
import sys

try:
    import jax
    import jax.numpy as jnp
    import ml_dtypes
    import numpy as np
except ImportError:
    sys.exit(77)

# a = 2^-126 * (1 + 2^-7) (0x0081), b = 1 - 2^-7 (0x3f7e): a*b = 2^-126 * (1 - 2^-14), whose
# nearest bfloat16 is 2^-126 (0x0080); flushed as a float32 subnormal first it is 0.
a = np.array([0x0081], dtype=np.uint16).view(ml_dtypes.bfloat16)
b = np.array([0x3F7E], dtype=np.uint16).view(ml_dtypes.bfloat16)
got = int(np.asarray(jnp.multiply(jnp.asarray(a), jnp.asarray(b))).view(np.uint16)[0])
print(f"jax {jax.__version__} ({jax.default_backend()}): 0x0081 * 0x3f7e -> bfloat16 0x{got:04x} (rounded first: 0x0080)")
sys.exit(1 if got == 0x0000 else 0)
