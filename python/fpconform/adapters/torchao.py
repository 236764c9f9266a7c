"""torchao's OCP MX quantizer under the block file protocol (check_blocks_with_fpconform.py).

Runs `torchao.prototype.mx_formats.mx_tensor.to_mx(x, elem_dtype, 32, scaling_mode)` — the eager
PyTorch path every MXTensor goes through when it is not compiled — on the blocks of a cases
directory, and writes one element code per value (codes.bin) and each block's E8M0 scale code
(scales.bin). torchao's scale modes map onto fpconform's MX scale rules as follows:

  FLOOR -> floor    OCP MX v1.0 section 6.3 (torchao's default)
  EVEN  -> even     round amax to the element precision, then floor
  RCEIL -> roundup  ceil(log2(amax / max_elem)) (cuBLAS/TransformerEngine); torchao's eager
                    fallback computes it with a float32 division, torch.log2 and torch.ceil
  CEIL  -> (none)   torchao's CEIL is ceil(log2 amax) - emax_elem, which is not fpconform's
                    `ceil` (ceil(log2(amax / max_elem))), so it is not checked

Layouts, checked against the library at start-up rather than assumed: float8 elements are
torch.float8_e4m3fn/e5m2 bytes; FP6 elements one code per byte in the low six bits; FP4
elements two a byte, the first element in the low nibble (torchao pack_uint4).
"""

import numpy as np

from ._torch_device import choose_torch_device

NAME = "torchao"

try:
    import torch
except ImportError:
    torch = None
try:
    import torchao
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.mx_tensor import to_mx
except Exception as e:  # ImportError, or a torchao that does not match this torch
    torchao = None
    _import_error = f"{type(e).__name__}: {e}"

_device = "cpu"
# fpconform scheme -> torchao element dtype (an attribute of torch, or one of torchao's strings)
_ELEMENTS = {"mxfp8_e4m3": "float8_e4m3fn", "mxfp8_e5m2": "float8_e5m2", "mxfp6_e2m3": "fp6_e2m3",
             "mxfp6_e3m2": "fp6_e3m2", "mxfp4": "float4_e2m1fn_x2"}
_MODES = {"floor": "FLOOR", "even": "EVEN", "roundup": "RCEIL"}


def unavailable():
    if torch is None:
        return "torch is not installed"
    if torchao is None:
        return f"torchao cannot be imported ({_import_error})"
    return None


def select_device(device):
    global _device
    _device = choose_torch_device(torch, "torchao", device)


def reference():
    return "ideal"  # MX has one reference; the scale rule is a claim of its own


def version():
    return f"torchao {torchao.__version__} (torch {torch.__version__}) to_mx on {_device}"


def plan(quick=False):
    checks = []
    for scheme in _ELEMENTS:
        for rule in _MODES:
            if quick and scheme != "mxfp4" and rule != "floor":
                continue
            checks.append(["--scheme", scheme, "--reference", "ideal", "--scale-rule", rule, "--cases", "all:64"])
    return checks


def _elem_dtype(scheme):
    name = _ELEMENTS[scheme]
    return getattr(torch, name) if name.startswith("float") else name


def _to_mx(x, scheme, rule):
    scale, data = to_mx(x.to(_device), _elem_dtype(scheme), 32, ScaleCalculationMode[_MODES[rule]])
    scale = scale.view(torch.uint8).reshape(-1).cpu().numpy()
    data = data.contiguous().view(torch.uint8).reshape(-1).cpu().numpy()
    if scheme == "mxfp4":  # two a byte, the first element in the low nibble
        codes = np.empty(data.size * 2, dtype=np.uint8)
        codes[0::2] = data & 0x0F
        codes[1::2] = data >> 4
        data = codes
    return data, scale


def check_layouts():
    """Raises unless the element layouts are the ones the docstring states: a block starting
    1.0, -6.0 (amax 6) must give FP4 codes 0x2, 0xF, FP6 E2M3 codes 0x08, 0x3C, E4M3 bytes with
    E = 2 - 8: 1.0 / 2^-6 = 64 -> 0x68, -384 -> 0xFC."""
    x = torch.zeros(1, 32, dtype=torch.float32)
    x[0, 0], x[0, 1] = 1.0, -6.0
    expected = {"mxfp4": (0x2, 0xF, 127), "mxfp6_e2m3": (0x08, 0x3C, 127), "mxfp8_e4m3": (0x68, 0xFC, 121)}
    for scheme, (c0, c1, s) in expected.items():
        codes, scale = _to_mx(x, scheme, "floor")
        if (int(codes[0]), int(codes[1]), int(scale[0])) != (c0, c1, s):
            raise RuntimeError(f"torchao to_mx {scheme}: codes {codes[0]:#x} {codes[1]:#x} scale {scale[0]}, expected "
                               f"{c0:#x} {c1:#x} {s}: the adapter's reading of its layout is wrong for this version")


def compute(cases):
    if cases.scheme not in _ELEMENTS:
        raise ValueError(f"torchao to_mx has no scheme {cases.scheme}")
    rule = cases.sidecar.get("scale_rule", "floor")
    if rule not in _MODES:
        raise ValueError(f"torchao has no scale mode for fpconform's {rule}")
    if cases.sidecar.get("rounding", "rne") != "rne":
        raise ValueError("torchao's element casts round to nearest even only")
    x = torch.from_numpy(cases.values.copy())  # (blocks, 32): each row one MX block
    return _to_mx(x, cases.scheme, rule)


def _subnormal_scale_blocks(values, claims):
    """to_mx computes the elements as x * (1 / scale) with the reciprocal clamped to the smallest
    normal float32's, so a block whose scale is 2^-127 (E8M0 code 0) is quantized as if it were
    2^-126 (findings/torchao-mx-subnormal-scale-clamped.md). Predicted: every finite block with
    a nonzero value whose reference scale is 2^-127."""
    from . import _reference_block

    return [bool(np.all(np.isfinite(v)) and np.any(v != 0)) and _reference_block(v, claims)[1] == 0 for v in values]


# Block-level known deviations (fpconform.adapters.check_block_plan): (predicate on the claims,
# explanation, predictor of the blocks that differ). Each is explained by one finding's
# adapter_deviation field (python/tests/test_findings.py).
KNOWN_DEVIATIONS = [
    (lambda claims: claims["scheme"] in _ELEMENTS, "to_mx halves every element of a block whose scale is 2^-127",
     _subnormal_scale_blocks),
]
