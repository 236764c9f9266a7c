"""float64 0x3810100000000001 -> bfloat16 on XLA CPU: 0x0080 (rounded twice, via float32), correctly
0x0081. Exit 1 reproduces, 0 not, 77 without jax."""
import sys

try:
    import jax
    import jax.numpy as jnp
    import numpy as np
except ImportError:
    sys.exit(77)

jax.config.update("jax_enable_x64", True)
x = np.array([0x3810100000000001], dtype=np.uint64).view(np.float64)
got = int(np.asarray(jnp.asarray(x).astype(jnp.bfloat16)).view(np.uint16)[0])
print(f"jax {jax.__version__} ({jax.default_backend()}): float64 0x3810100000000001 -> bfloat16 0x{got:04x} (correct 0x0081)")
sys.exit(1 if got != 0x0081 else 0)
