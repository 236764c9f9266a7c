"""MXFP8 (E4M3) quantization of a block of tiny values by TransformerEngine: with the bug every
element code is 0; fixed, they keep their values (the block scale is 2^-127).
Needs transformer_engine (PyTorch) and a GPU with MXFP8 (sm_100+). Exit 1 reproduces, 0 fixed,
77 when TransformerEngine or such a GPU is missing."""
import sys

try:
    import torch
    import transformer_engine
    from transformer_engine.pytorch.tensor.mxfp8_tensor import MXFP8Quantizer
    import transformer_engine_torch as tex
except ImportError:
    sys.exit(77)
if not torch.cuda.is_available() or torch.cuda.get_device_capability()[0] < 10:
    print("needs a GPU with MXFP8 support (sm_100+)")
    sys.exit(77)

# 32 values of 2^-130 (float32 subnormals): amax * (1/448) < 2^-127, so the E8M0 scale is 0x00.
x = torch.full((32, 32), 2.0**-130, dtype=torch.float32, device="cuda")
q = MXFP8Quantizer(fp8_dtype=tex.DType.kFloat8E4M3, rowwise=True, columnwise=False)(x)
codes = q._rowwise_data.view(torch.uint8).cpu()
scales = q._rowwise_scale_inv.view(torch.uint8).cpu()
print(f"transformer_engine {transformer_engine.__version__}: scale code 0x{int(scales.flatten()[0]):02x}, "
      f"element code 0x{int(codes.flatten()[0]):02x} (2^-130 * 2^127 = 2^-3: E4M3 0x20)")
sys.exit(1 if int(codes.max()) == 0 else 0)
