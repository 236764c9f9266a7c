"""The fpconform file protocol in numpy: read a cases directory, write its out.bin.

A cases directory (written by ``fpconform cases ... -o DIR``; specification in
docs/file-protocol.md) holds ``cases.json`` and one file of codes per operand. Every file is
``count`` little-endian unsigned integers of 1, 2, 4 or 8 bytes (the ``width`` the sidecar gives
per file). The program under test writes the result code of every case to ``out.bin`` the same
way; ``fpconform check DIR`` then checks it against the exact oracle.

    cases = Cases("dir")                                   # operands as unsigned code arrays
    x = cases.inputs[0].view(np.float32)                   # float32 codes -> values
    cases.write_output(x.astype(ml_dtypes.bfloat16).view(np.uint16))
"""

import json
import pathlib
import subprocess

import numpy as np

SCHEMA = "fpconform.cases/1"
_CODE_DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4"), 8: np.dtype("<u8")}


class ProtocolError(ValueError):
    """A cases directory that does not follow the protocol."""


class Cases:
    """One cases directory: its sidecar, and every operand as an array of unsigned codes."""

    def __init__(self, directory):
        self.dir = pathlib.Path(directory)
        try:
            self.sidecar = json.loads((self.dir / "cases.json").read_text())
        except (OSError, ValueError) as e:
            raise ProtocolError(f"{self.dir}/cases.json: {e}") from e
        if self.sidecar.get("schema") != SCHEMA:
            raise ProtocolError(f"{self.dir}/cases.json: schema is not {SCHEMA}")
        if self.sidecar.get("byte_order") != "little":
            raise ProtocolError(f"{self.dir}/cases.json: byte_order is not little")
        self.semantics = self.sidecar["semantics"]  # op, in, out, rounding, sr_bits, saturate, ...
        self.count = int(self.sidecar["cases"]["count"])
        self.label = self.sidecar["cases"]["label"]
        self.inputs = [self._read(entry) for entry in self.sidecar["inputs"]]
        bits = self.sidecar.get("random_bits")
        self.random_bits = self._read(bits) if bits else None  # stochastic rounding only

    @property
    def op(self):
        return self.semantics["op"]

    @property
    def in_format(self):
        return self.semantics["in"]

    @property
    def out_format(self):
        return self.semantics["out"]

    @property
    def out_width(self):
        return int(self.sidecar["output"]["width"])

    def _read(self, entry):
        path = self.dir / entry["file"]
        codes = np.fromfile(path, dtype=_CODE_DTYPES[int(entry["width"])])
        if codes.size != self.count:
            raise ProtocolError(f"{path}: {codes.size} codes, the sidecar says {self.count}")
        return codes

    def write_output(self, codes):
        """Writes out.bin: one result code per case, in case order.

        `codes` is an array of unsigned integers of any width; each is stored in the output's
        width (the sidecar's output.width bytes), little-endian. Codes that do not fit the width
        are refused here; codes that fit the width but not the format (stray high bits of a 4-bit
        format) are written as they are, and the checker reports them as wrong results.
        """
        codes = np.asarray(codes)
        if codes.shape != (self.count,):
            raise ProtocolError(f"out.bin needs {self.count} codes, got an array of shape {codes.shape}")
        if codes.dtype.kind not in "ui":
            raise ProtocolError(f"out.bin needs integer codes (use .view(np.uintN)), got {codes.dtype}")
        dtype = _CODE_DTYPES[self.out_width]
        if codes.size and (codes.min() < 0 or int(codes.max()) > np.iinfo(dtype).max):
            raise ProtocolError(f"codes do not fit in {self.out_width} bytes")
        codes.astype(dtype).tofile(self.dir / self.sidecar["output"]["file"])


class BlockCases:
    """One block cases directory (``fpconform cases --scheme NAME ... -o DIR``; docs/file-protocol.md,
    "Block quantizers"): the blocks of float32 values a block quantizer must quantize.

    The quantizer writes one element code per value to ``codes.bin`` and one scale code per block
    to ``scales.bin`` (``write_output``); ``fpconform check DIR`` compares them with the scheme's
    references. Each block is quantized on its own, as a tensor of one block.

        cases = BlockCases("dir")
        x = cases.values                        # float32, shape (blocks, blocksize)
        cases.write_output(codes, scales)       # codes: shape (blocks, blocksize); scales: (blocks,)
    """

    def __init__(self, directory):
        self.dir = pathlib.Path(directory)
        try:
            self.sidecar = json.loads((self.dir / "cases.json").read_text())
        except (OSError, ValueError) as e:
            raise ProtocolError(f"{self.dir}/cases.json: {e}") from e
        if self.sidecar.get("schema") != SCHEMA or self.sidecar.get("kind") != "block":
            raise ProtocolError(f"{self.dir}/cases.json: not a {SCHEMA} block sidecar (\"kind\": \"block\")")
        if self.sidecar.get("byte_order") != "little":
            raise ProtocolError(f"{self.dir}/cases.json: byte_order is not little")
        self.scheme = self.sidecar["scheme"]
        self.reference = self.sidecar["reference"]  # the reference the codes must match bit for bit
        self.blocksize = int(self.sidecar["blocksize"])
        self.label = self.sidecar["cases"]["label"]
        self.block_count = int(self.sidecar["cases"]["blocks"])
        # Consecutive blocks of one kind: [{"kind": "all_zero", "first": 4, "count": 1}, ...]
        self.block_kinds = self.sidecar["cases"]["block_kinds"]
        entry = self.sidecar["values"]
        bits = np.fromfile(self.dir / entry["file"], dtype=_CODE_DTYPES[int(entry["width"])])
        if bits.size != self.block_count * self.blocksize:
            raise ProtocolError(f"{self.dir / entry['file']}: {bits.size} values, the sidecar says "
                                f"{self.block_count} blocks of {self.blocksize}")
        self.value_bits = bits.reshape(self.block_count, self.blocksize)  # float32 bit patterns

    @property
    def values(self):
        """The blocks as float32 values, shape (blocks, blocksize)."""
        return self.value_bits.view(np.float32)

    @property
    def element_format(self):
        return self.sidecar["codes"]["format"]

    @property
    def scale_format(self):
        return self.sidecar["scales"]["format"]

    def kind_of_block(self, index):
        for k in self.block_kinds:
            if k["first"] <= index < k["first"] + k["count"]:
                return k["kind"]
        raise IndexError(index)

    def _write(self, name, codes, count):
        entry = self.sidecar[name]
        codes = np.asarray(codes).reshape(-1)
        if codes.size != count:
            raise ProtocolError(f"{entry['file']} needs {count} codes, got {codes.size}")
        if codes.dtype.kind not in "ui":
            raise ProtocolError(f"{entry['file']} needs integer codes (use .view(np.uintN)), got {codes.dtype}")
        dtype = _CODE_DTYPES[int(entry["width"])]
        if codes.size and (codes.min() < 0 or int(codes.max()) > np.iinfo(dtype).max):
            raise ProtocolError(f"{entry['file']}: codes do not fit in {entry['width']} bytes")
        codes.astype(dtype).tofile(self.dir / entry["file"])

    @property
    def has_zero_points(self):
        """Whether the scheme stores a zero point per block (uint4_group, int4_group)."""
        return "zero_points" in self.sidecar

    def write_output(self, codes, scales, zero_points=None):
        """Writes codes.bin (one unpacked element code per value, block after block),
        scales.bin (one scale code per block: float32 bits for bitsandbytes and LLM.int8 — use
        ``absmax.astype(np.float32).view(np.uint32)`` —, the E8M0 or E4M3 code for MX and NVFP4)
        and, for the schemes with zero points (and only for them), zero_points.bin (one signed
        integer per block, written as int32)."""
        if self.has_zero_points != (zero_points is not None):
            raise ProtocolError(f"scheme {self.scheme} " + ("needs" if self.has_zero_points else "has no") + " zero points")
        self._write("codes", codes, self.block_count * self.blocksize)
        self._write("scales", scales, self.block_count)
        if zero_points is not None:
            entry = self.sidecar["zero_points"]
            z = np.asarray(zero_points).reshape(-1)
            if z.size != self.block_count or z.dtype.kind not in "ui":
                raise ProtocolError(f"{entry['file']} needs {self.block_count} integers, got {z.size} of {z.dtype}")
            if z.size and (int(z.min()) < -2**31 or int(z.max()) >= 2**31):
                raise ProtocolError(f"{entry['file']}: zero points do not fit in int32")
            z.astype("<i4").tofile(self.dir / entry["file"])


def write_block_cases_answer(directory, quantize_block):
    """Runs ``quantize_block(values)`` on every block of a block cases directory (values: a
    float32 array of one block) and writes codes.bin, scales.bin (and zero_points.bin).
    ``quantize_block`` returns ``(codes, scale_code)``, or ``(codes, scale_code, zero_point)`` for
    the schemes with zero points."""
    cases = BlockCases(directory)
    codes = np.zeros((cases.block_count, cases.blocksize), dtype=np.uint64)
    scales = np.zeros(cases.block_count, dtype=np.uint64)
    zero_points = np.zeros(cases.block_count, dtype=np.int64) if cases.has_zero_points else None
    for b in range(cases.block_count):
        answer = quantize_block(cases.values[b])
        if len(answer) != (3 if cases.has_zero_points else 2):
            raise ProtocolError(f"quantize_block must return (codes, scale{', zero_point' if cases.has_zero_points else ''})")
        codes[b], scales[b] = answer[0], answer[1]
        if zero_points is not None:
            zero_points[b] = answer[2]
    cases.write_output(codes, scales, zero_points)
    return cases


def run_check(fpconform, directory, report):
    """Runs ``fpconform check DIR --report REPORT``, prints its output and returns its exit status
    (0 pass, 1 a check failed, 2 bad input)."""
    run = subprocess.run([str(fpconform), "check", str(directory), "--report", str(report)], capture_output=True, text=True)
    print(run.stdout + run.stderr, end="")
    return run.returncode
