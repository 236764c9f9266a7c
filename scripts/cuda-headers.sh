#!/usr/bin/env bash
# Fetches the CUDA headers of the releases a build asks for from PyPI (NVIDIA's runtime wheels
# carry cuda_fp16.h, cuda_bf16.h, cuda_fp8.h, ...), so that the host path of every CUDA release
# can be checked without installing a toolkit. The headers are NVIDIA's (NVIDIA licence): they are
# cached outside the repository's tracked files, never committed.
#
#   scripts/cuda-headers.sh [--cache DIR] [--list] VERSION...   (VERSION: a label below, or "all")
#
# Each VERSION ends up as DIR/VERSION/include holding that release's cuda_*.h, plus crt/ and nv/
# (crt/host_defines.h and <nv/target> come from the 13.x nvidia-cuda-crt and nvidia-cuda-cccl
# wheels, which serve every release). Each root is complete on its own: the build passes it as the
# only CUDA include directory. Prints "VERSION ROOT" per version; a version already in the cache
# is not fetched again. Exit 2 with one "cuda-headers: error:" line when a fetch fails.
set -euo pipefail

# label -> the wheel that holds its headers. 12.7 has no runtime wheel on PyPI (checked with
# `pip index versions nvidia-cuda-runtime-cu12`), so it is not in the matrix. A label without a
# patch number is the newest wheel of its minor release; where PyPI has an earlier one of the same
# minor release, it is listed before it with its patch number (12.8.57, 13.4.49).
declare -A WHEEL=(
  [11.8]=nvidia-cuda-runtime-cu11==11.8.89
  [12.0]=nvidia-cuda-runtime-cu12==12.0.146
  [12.1]=nvidia-cuda-runtime-cu12==12.1.105
  [12.2]=nvidia-cuda-runtime-cu12==12.2.140
  [12.3]=nvidia-cuda-runtime-cu12==12.3.101
  [12.4]=nvidia-cuda-runtime-cu12==12.4.127
  [12.5]=nvidia-cuda-runtime-cu12==12.5.82
  [12.6]=nvidia-cuda-runtime-cu12==12.6.77
  [12.8.57]=nvidia-cuda-runtime-cu12==12.8.57
  [12.8.90]=nvidia-cuda-runtime-cu12==12.8.90
  [12.9]=nvidia-cuda-runtime-cu12==12.9.79
  [13.0]=nvidia-cuda-runtime==13.0.96
  [13.1]=nvidia-cuda-runtime==13.1.80
  [13.2]=nvidia-cuda-runtime==13.2.86
  [13.3]=nvidia-cuda-runtime==13.3.29
  [13.4.49]=nvidia-cuda-runtime==13.4.49
  [13.4]=nvidia-cuda-runtime==13.4.92
  [13.5]=nvidia-cuda-runtime==13.5.37
)
ORDER=(11.8 12.0 12.1 12.2 12.3 12.4 12.5 12.6 12.8.57 12.8.90 12.9 13.0 13.1 13.2 13.3 13.4.49 13.4 13.5)
CRT=nvidia-cuda-crt==13.5.37
CCCL=nvidia-cuda-cccl==13.2.86

die() { echo "cuda-headers: error: $*" >&2; exit 2; }

cache="$(cd "$(dirname "$0")/.." && pwd)/build/cuda-headers"
versions=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) [ $# -ge 2 ] || die "--cache needs a directory"; cache="$2"; shift 2 ;;
    --list) echo "${ORDER[*]}"; exit 0 ;;
    all) versions+=("${ORDER[@]}"); shift ;;
    *) [ -n "${WHEEL[$1]+x}" ] || die "unknown CUDA version '$1' (known: ${ORDER[*]})"; versions+=("$1"); shift ;;
  esac
done
[ ${#versions[@]} -gt 0 ] || die "no version given (known: ${ORDER[*]}, or all)"
mkdir -p "$cache/wheels"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# The wheel file of a requirement, downloaded once into the cache.
wheel_of() {
  local req="$1" name="${1%%==*}" version="${1##*==}" found
  found=$(ls "$cache/wheels/${name//-/_}-${version}-"*.whl 2>/dev/null | head -1 || true)
  if [ -z "$found" ]; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$cache/wheels" "$req" >&2 ||
      die "pip download $req failed (network, or the version was withdrawn)"
    found=$(ls "$cache/wheels/${name//-/_}-${version}-"*.whl 2>/dev/null | head -1 || true)
    [ -n "$found" ] || die "pip download $req left no wheel in $cache/wheels"
  fi
  echo "$found"
}

# unpack WHEEL DEST PREFIX...: the files under each "<...>/include/PREFIX" of the wheel, into DEST.
unpack() {
  python3 - "$@" <<'EOF' || die "could not unpack $1"
import os, sys, zipfile
wheel, dest, prefixes = sys.argv[1], sys.argv[2], sys.argv[3:]
count = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        parts = info.filename.split("/")
        if info.is_dir() or "include" not in parts:
            continue
        rel = "/".join(parts[parts.index("include") + 1:])
        if not any(rel == p or rel.startswith(p) for p in prefixes):
            continue
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            out.write(src.read())
        count += 1
if count == 0:
    sys.exit(f"no header under include/{{{','.join(prefixes)}}} in {wheel}")
EOF
}

for v in "${versions[@]}"; do
  root="$cache/$v/include"
  if [ ! -f "$cache/$v/complete" ]; then
    rm -rf "$cache/$v"
    mkdir -p "$root"
    unpack "$(wheel_of "${WHEEL[$v]}")" "$root" ""
    # Older runtime wheels lack crt/ and nv/: the 13.x ones serve (the build checks that every
    # cuda_*, crt/ and nv/ header it reads lies under this root).
    [ -f "$root/crt/host_defines.h" ] || unpack "$(wheel_of "$CRT")" "$root" crt/
    [ -f "$root/nv/target" ] || unpack "$(wheel_of "$CCCL")" "$root" nv/
    echo "${WHEEL[$v]}" >"$cache/$v/complete"
  fi
  echo "$v $root"
done
