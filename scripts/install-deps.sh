#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/apt/*.txt (skips those already present) and the
# Python environments (scripts/setup-python.sh). Needs root, as on a fresh Debian machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mapfile -t wanted < <(cat "$root"/scripts/apt/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash "$root/scripts/setup-python.sh"
