"""float32 1.25 * 2^-127 -> float8_e8m0fnu on XLA CPU: 0x01 (2^-126), correctly 0x00 (2^-127).
Exit 1 reproduces, 0 not, 77 without jax."""
import sys

try:
    import jax
    import jax.numpy as jnp
    import numpy as np
except ImportError:
    sys.exit(77)

x = np.array([0x00500000], dtype=np.uint32).view(np.float32)
got = int(np.asarray(jnp.asarray(x).astype(jnp.float8_e8m0fnu)).view(np.uint8)[0])
print(f"jax {jax.__version__} ({jax.default_backend()}): float32 1.25*2^-127 -> E8M0 0x{got:02x} (correct 0x00)")
sys.exit(1 if got != 0x00 else 0)
