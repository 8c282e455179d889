#!/usr/bin/env bash
# Debian packages the kit needs beyond Python: bubblewrap to isolate graded code (grading refuses without it),
# Chromium and poppler for the tests, SLURM and munge for
# the cluster tests (a one-node SLURM on loopback), npm for the proxy.
set -euo pipefail
case "${1:-test}" in
  test) pkgs=(bubblewrap chromium fonts-dejavu-core poppler-utils slurm-wlm munge wfrench) ;;  # slurm, munge: tests/cluster; wfrench: the word list rebuild
  serve) pkgs=(bubblewrap) ;;  # the hub's grading (civicai cours corriger) refuses to run without it
  node) pkgs=(nodejs npm) ;;
  *) echo "usage: $0 test|serve|node" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installation des paquets Debian : ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
