#!/usr/bin/env bash
# Install esegen's external tools when missing: JDK 17 + Maven to build, and Verilator, g++, make,
# zlib, Yosys and Icarus Verilog for co-simulation and estimates, and tclsh for testing the Vivado
# scripts without Vivado, chromium for checking sweep reports headless, and espeak-ng for the
# offline spoken-digit set, and Slurm with munge for the single-node cluster of scripts/slurm-local.sh
# (Debian packages).
# Packages are installed without their recommended extras (no GTK, graphviz or font sets).
# As root on Debian it installs them with apt-get; otherwise it prints exactly what to install and
# exits 1. Quiet when everything is present. Usage: scripts/bootstrap.sh
set -euo pipefail

missing_packages=()
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing_packages+=("$2")
}
need java openjdk-17-jdk-headless
need mvn maven
need verilator verilator
need g++ g++
need make make
need yosys yosys
need iverilog iverilog
need tclsh tcl
need chromium chromium
need espeak-ng espeak-ng
need slurmctld slurmctld
need slurmd slurmd
need sbatch slurm-client
need munged munge
if ! { [ -e /usr/include/zlib.h ] || [ -e /usr/local/include/zlib.h ]; }; then
  missing_packages+=(zlib1g-dev)
fi

if [ ${#missing_packages[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: installing ${missing_packages[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >&2
  exit 0
fi

echo "bootstrap: missing tools. Install them with:" >&2
echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_packages[*]}" >&2
echo "(Verilator 5.006, Yosys 0.23 and Icarus Verilog 11 are the Debian 12 versions esegen is tested with.)" >&2
exit 1
