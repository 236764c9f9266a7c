"""torchao's NVFP4 quantizer under the block file protocol (check_blocks_with_fpconform.py).

Runs `torchao.prototype.mx_formats.nvfp4_tensor.nvfp4_quantize(x, 16, per_tensor_scale)` — the
eager path `NVFP4Tensor.to_nvfp4(..., use_triton_kernel=False)` takes — on the blocks of a cases
directory and writes one E2M1 code per value (codes.bin) and each block's E4M3 scale code
(scales.bin). torchao's arithmetic (torchao 0.18.0, nvfp4_tensor.py), all float32:

  single-level (per_tensor_scale None):
      S = e4m3(clamp(amax / 6, 2^-6, 448));  q = e2m1(clamp(x * (1 / S), -6, 6))
  two-level (per_tensor_scale P = per_tensor_amax_to_scale(T) = T / (448 * 6)):
      S = e4m3(clamp((amax / 6) / P, 2^-6, 448));  q = e2m1(clamp(x * ((1 / P) / S), -6, 6))

where 2^-6 is `torch.finfo(torch.float8_e4m3fn).tiny` (the smallest *normal* E4M3 value). The
checks map onto fpconform's NVFP4 claims (docs/quantization.md "NVFP4") through the tensor amax:

  --tensor-amax 2688   single-level scaling: the NVFP4 tensor scale g = 2688 / 2688 = 1 (two-level
                       with T = 2688 computes the same bits: P = 1 exactly, (1 / 1) / S = 1 / S)
  --tensor-amax T      two-level with a calibrated amax T (torchao's static mode)
  (none)               two-level with P from the block's own amax, as torchao's dynamic mode
                       computes it (`per_tensor_amax_to_scale(torch.max(torch.abs(x)))`): every
                       block is quantized as a tensor of its own

The claimed reference is the ideal one (the NVFP4 definition); the report also gives the distance
to `te` (TransformerEngine's float32 recipe). Neither is torchao's arithmetic: what differs, and
why, is in examples/python/README.md.

Layouts, checked against the library at start-up rather than assumed: E4M3 scales are
torch.float8_e4m3fn bytes; E2M1 elements two a byte, the first element in the low nibble
(torchao pack_uint4).
"""

from fractions import Fraction

import numpy as np

from ._torch_device import choose_torch_device

NAME = "torchao_nvfp4"

try:
    import torch
except ImportError:
    torch = None
try:
    import torchao
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
except Exception as e:  # ImportError, or a torchao that does not match this torch
    torchao = None
    _import_error = f"{type(e).__name__}: {e}"

_device = "cpu"
SINGLE_LEVEL_AMAX = 2688  # 448 * 6: the tensor amax whose NVFP4 tensor scale is 1
CALIBRATED_AMAX = 10000   # a static per-tensor amax above every random block's (|x| < 2^13)


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
    return "ideal"


def version():
    return f"torchao {torchao.__version__} (torch {torch.__version__}) nvfp4_quantize on {_device}"


def plan(quick=False):
    checks = []
    for amax in (SINGLE_LEVEL_AMAX, None, CALIBRATED_AMAX):
        if quick and amax != SINGLE_LEVEL_AMAX:
            continue
        spec = ["--scheme", "nvfp4", "--reference", reference()]
        if amax is not None:
            spec += ["--tensor-amax", str(amax)]
        checks.append(spec + ["--cases", "all:64"])
    return checks


def _exact(text):
    """An exact value as fpconform writes it (decimal, hex float or fraction) as a Python float."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float.fromhex(text)
    except ValueError:
        return float(Fraction(text))


def _unpack_low_first(packed, count):
    codes = np.empty(packed.size * 2, dtype=np.uint8)
    codes[0::2] = packed & 0x0F
    codes[1::2] = packed >> 4
    return codes[:count]


def _quantize(x, per_tensor_amax):
    """x: (blocks, 16) float32. per_tensor_amax: None (single-level), a number (one static amax),
    or "per_block" (each block its own amax, torchao's dynamic mode on a tensor of one block)."""
    x = x.to(_device)
    blocks = x.shape[0]
    if per_tensor_amax is None:
        scales, packed = nvfp4_quantize(x, 16, None)
    elif per_tensor_amax == "per_block":
        # torchao's per-expert form: data (E, M, K) with one scale per expert, shape (E, 1, 1).
        amax = torch.amax(torch.abs(x), dim=1)
        scales, packed = nvfp4_quantize(x.reshape(blocks, 1, 16), 16, per_tensor_amax_to_scale(amax).view(blocks, 1, 1))
    else:
        p = per_tensor_amax_to_scale(torch.tensor(per_tensor_amax, dtype=torch.float32, device=_device))
        scales, packed = nvfp4_quantize(x, 16, p)
    scales = scales.view(torch.uint8).reshape(-1).cpu().numpy()
    packed = packed.contiguous().view(torch.uint8).reshape(-1).cpu().numpy()
    return _unpack_low_first(packed, blocks * 16), scales


def check_layouts():
    """Raises unless the layouts are the ones the docstring states, and unless the per-expert form
    quantizes each block as a tensor of its own. A block starting 1.0, -6.0 (amax 6, single-level:
    S = e4m3(1) = 0x38) must give E2M1 codes 0x2, 0xF."""
    x = torch.zeros(1, 16, dtype=torch.float32)
    x[0, 0], x[0, 1] = 1.0, -6.0
    codes, scales = _quantize(x, None)
    if (int(codes[0]), int(codes[1]), int(scales[0])) != (0x2, 0xF, 0x38):
        raise RuntimeError(f"torchao nvfp4_quantize: codes {codes[0]:#x} {codes[1]:#x} scale {scales[0]:#x}, expected "
                           "0x2 0xf 0x38: the adapter's reading of its layout is wrong for this version")
    g = torch.Generator().manual_seed(7)
    y = torch.randn(3, 16, generator=g) * torch.tensor([[0.01], [3.0], [700.0]])
    together = _quantize(y, "per_block")
    for i in range(3):
        alone = _quantize(y[i:i + 1], float(torch.amax(torch.abs(y[i]))))
        if not (np.array_equal(together[0][16 * i:16 * (i + 1)], alone[0]) and together[1][i] == alone[1][0]):
            raise RuntimeError("torchao nvfp4_quantize: the per-expert scales do not quantize each block as a "
                               "tensor of its own for this version")


def compute(cases):
    if cases.scheme != "nvfp4":
        raise ValueError(f"torchao nvfp4_quantize has no scheme {cases.scheme}")
    if cases.blocksize != 16:
        raise ValueError("torchao NVFP4 takes blocks of 16 only")
    amax = cases.sidecar.get("tensor_amax")
    if amax is None:
        mode = "per_block"
    elif _exact(amax) == SINGLE_LEVEL_AMAX:
        mode = None
    else:
        mode = _exact(amax)
        if float(np.float32(mode)) != mode:
            raise ValueError(f"tensor_amax {amax} is not a float32 value (torchao takes a float32 tensor)")
    x = torch.from_numpy(cases.values.copy())  # (blocks, 16): each row one NVFP4 block
    return _quantize(x, mode)


def _min_normal_scale_blocks(values, claims):
    """With a given tensor amax, torchao clamps every block scale to E4M3's smallest normal 2^-6
    (findings/torchao-nvfp4-block-scale-min-normal.md). Predicted: every finite block whose
    reference scale is below 2^-6 (E4M3 code < 0x08: zero or subnormal)."""
    from . import _reference_block

    return [bool(np.all(np.isfinite(v))) and _reference_block(v, claims)[1] < 0x08 for v in values]


def _all_zero_blocks(values, claims):
    """Dynamic per-tensor scale: an all-zero tensor gives P = 0 and the scale 0 / 0 = NaN
    (findings/torchao-nvfp4-dynamic-all-zero-nan.md). Predicted: every all-zero block."""
    return [bool(np.all(v == 0)) for v in values]


def _tiny_amax_blocks(values, claims):
    """Dynamic per-tensor scale: 1 / P overflows float32 when P = amax / 2688 is below 2^-128,
    saturating every nonzero element (findings/torchao-nvfp4-dynamic-tiny-amax-overflow.md).
    Predicted: every finite block with nonzero amax whose float32 1 / (amax / 2688) is inf."""
    out = []
    with np.errstate(over="ignore", divide="ignore"):
        for v in values:
            amax = np.float32(np.max(np.abs(v))) if np.all(np.isfinite(v)) else np.float32(0)
            out.append(bool(amax > 0 and np.isinf(np.float32(1) / (amax / np.float32(2688)))))
    return out


def _float32_scaling_model(values):
    """torchao's dynamic per-tensor NVFP4 arithmetic (nvfp4_quantize with P from the block's own
    amax, torchao 0.18.0), written here step by step in numpy float32; the two roundings it hands
    to casts (float32 -> E4M3 for the scale, float32 -> E2M1 for the elements, both to nearest
    even: torch's cast and torchao's f32_to_f4_unpacked) are fpconform's oracle. Only the ops and
    their order come from torchao's source; no output of torchao is used. (element codes, scale code)."""
    import fpconform

    from .._formats import as_codes

    x = np.asarray(values, dtype=np.float32)
    amax = np.max(np.abs(x))
    p = amax / np.float32(448 * 6)                    # per_tensor_amax_to_scale(amax)
    scaled = (amax / np.float32(6)) / p               # block_scale_fp32 / per_tensor_scale
    scaled = np.clip(scaled, np.float32(2.0 ** -6), np.float32(448))
    scale_code = int(as_codes(fpconform.encode(np.array([scaled], dtype=np.float32), "float8_e4m3fn"), "float8_e4m3fn")[0])
    s = np.float32(fpconform.decode(np.array([scale_code], dtype=np.uint8), "float8_e4m3fn")[0])
    reciprocal = (np.float32(1) / p) / s              # (1.0 / per_tensor_scale) / scaled_block_scales_fp32
    y = np.clip(x * reciprocal, np.float32(-6), np.float32(6))
    codes = as_codes(fpconform.encode(y, "float4_e2m1fn"), "float4_e2m1fn")
    return np.asarray(codes).astype(np.uint64), scale_code


def _near_tie_blocks(values, claims):
    """Dynamic per-tensor scale: torchao multiplies by the float32 (1 / P) / S instead of dividing
    by P * S exactly, so an element a few ulps off an E2M1 midpoint can land on it (or across it)
    and round the other way (findings/torchao-nvfp4-dynamic-reciprocal-scale-near-tie.md).
    Predicted: every finite block with nonzero amax and finite 1 / P (the other two findings' blocks
    excluded) where the float32 model above differs from the claimed reference."""
    from . import _reference_block

    out = []
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for v in values:
            v = np.asarray(v, dtype=np.float32)
            amax = np.max(np.abs(v)) if np.all(np.isfinite(v)) else np.float32(0)
            if not (amax > 0 and np.isfinite(np.float32(1) / (amax / np.float32(2688)))):
                out.append(False)
                continue
            codes, scale = _float32_scaling_model(v)
            ref_codes, ref_scale = _reference_block(v, claims)
            out.append(bool(scale != ref_scale or not np.array_equal(codes, ref_codes)))
    return out


def _dynamic(claims):
    return "tensor_amax" not in claims


# Block-level known deviations (fpconform.adapters.check_block_plan), each explained by one
# finding's adapter_deviation field (python/tests/test_findings.py).
KNOWN_DEVIATIONS = [
    (lambda claims: not _dynamic(claims), "NVFP4 block scales never go below 2^-6", _min_normal_scale_blocks),
    (_dynamic, "NVFP4 with a dynamic per-tensor scale turns an all-zero tensor into NaN", _all_zero_blocks),
    (_dynamic, "NVFP4 with a dynamic per-tensor scale saturates every element when the tensor amax is tiny",
     _tiny_amax_blocks),
    (_dynamic, "NVFP4 with a dynamic per-tensor scale rounds elements near an E2M1 midpoint the other way",
     _near_tie_blocks),
]
