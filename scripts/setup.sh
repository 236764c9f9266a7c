#!/usr/bin/env bash
# Installs the Debian packages fpconform builds and tests with, when any is missing.
set -euo pipefail
packages=(cmake g++ make git clang libclang-rt-dev libboost-dev nlohmann-json3-dev libgtest-dev libgmock-dev
          librapidcheck-dev libbenchmark-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
