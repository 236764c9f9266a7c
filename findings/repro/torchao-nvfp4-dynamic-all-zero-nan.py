"""NVFP4 with the dynamic per-tensor scale of an all-zero tensor: torchao gives NaN; the NVFP4
definition and TransformerEngine give zeros. Exit 1 reproduces, 0 fixed, 77 without torchao."""
import sys

try:
    import torch
    import torchao
    from torchao.prototype.mx_formats.nvfp4_tensor import NVFP4Tensor, per_tensor_amax_to_scale
except ImportError:
    sys.exit(77)

x = torch.zeros(1, 16, dtype=torch.float32)
p = per_tensor_amax_to_scale(torch.max(torch.abs(x)))
y = NVFP4Tensor.to_nvfp4(x, per_tensor_scale=p).dequantize()
nans = int(torch.isnan(y).sum())
print(f"torchao {torchao.__version__}: {nans} of 16 dequantized values are NaN (expected 0)")
sys.exit(1 if nans else 0)
