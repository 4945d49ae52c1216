#!/usr/bin/env bash
# House formatting (.swift-format: 4 spaces, lines of 120, ordered imports), with the
# toolchain's `swift format`.
# Usage: scripts/format.sh          reformat Sources, Tests and Package.swift in place
#        scripts/format.sh --check  fail (exit 1) on any difference, as scripts/test.sh runs it
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
    swift format lint --strict -r Sources Tests Package.swift
else
    swift format format -i -r Sources Tests Package.swift
fi
