"""float32 464.00003 -> torch.float8_e4m3fn: 0x7e (448, saturated) on torch >= 2.13; the OCP
non-saturating conversion gives NaN (0x7f). Exit 1 when it saturates, 0 when not, 77 without torch."""
import sys

try:
    import torch
except ImportError:
    sys.exit(77)

x = torch.tensor([464.00003], dtype=torch.float32)
got = int(x.to(torch.float8_e4m3fn).view(torch.uint8).item())
print(f"torch {torch.__version__}: float32 464.00003 -> float8_e4m3fn 0x{got:02x} (non-saturating: 0x7f)")
sys.exit(1 if got == 0x7E else 0)
