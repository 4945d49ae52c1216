#!/usr/bin/env bash
# Builds the Debian package: a stripped release binary linked with --static-swift-stdlib (no
# Swift toolchain needed where it runs), the systemd unit, an example .env and a README.
# Its dependencies are computed from the binary's own NEEDED libraries (dpkg -S), and the build
# fails if any of them would come from the Swift toolchain.
#
# Usage: scripts/package.sh [--out DIR]     (default dist/; prints the .deb's path last)
#   SIGMA_PACKAGE_SCRATCH (default .build/static): the build folder, kept apart from .build/release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --out=*) out="${1#--out=}"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "package.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
scratch="${SIGMA_PACKAGE_SCRATCH:-$root/.build/static}"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"

echo "# building the static release binary in $scratch ..." >&2
started=$SECONDS
(cd "$root" && swift build -c release --static-swift-stdlib --product sigma-worker --scratch-path "$scratch") \
    > "$scratch.log" 2>&1 || { tail -n 40 "$scratch.log" >&2; echo "package.sh: build failed ($scratch.log)" >&2; exit 1; }
echo "# built in $((SECONDS - started)) s" >&2
binary="$scratch/release/sigma-worker"
version="$("$binary" --version | awk '{print $2}')"
[ -n "$version" ] || { echo "package.sh: the binary printed no version" >&2; exit 1; }
arch="$(dpkg --print-architecture)"

stage="$(mktemp -d /tmp/sigma-worker-package.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" \
    "$stage/usr/share/doc/sigma-worker/examples"
strip --strip-unneeded -o "$stage/usr/bin/sigma-worker" "$binary"
chmod 755 "$stage/usr/bin/sigma-worker"
install -m 644 "$root/contrib/systemd/sigma-worker.service" "$root/contrib/systemd/sigma-beat.service" \
    "$stage/lib/systemd/system/"
install -m 644 "$root/contrib/package/README.md" "$stage/usr/share/doc/sigma-worker/"
install -m 644 "$root/contrib/package/sigma-worker.env.example" \
    "$stage/usr/share/doc/sigma-worker/examples/sigma-worker.env"

# Depends: the package of every library the binary names (NEEDED), as the loader finds it.
depends=()
while read -r soname; do
    path="$(ldd "$binary" | awk -v lib="$soname" '$1 == lib && $2 == "=>" { print $3 } $1 ~ ("/" lib "$") { print $1 }' | head -n 1)"
    [ -n "$path" ] || { echo "package.sh: $soname (NEEDED) is not found by the loader" >&2; exit 1; }
    case "$(readlink -f "$path")" in
        "$toolchain"/*) echo "package.sh: $soname comes from the Swift toolchain ($path): not static" >&2; exit 1 ;;
    esac
    owner="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n 1 | cut -d: -f1)" \
        || owner=""
    [ -n "$owner" ] || owner="$(dpkg -S "$path" 2>/dev/null | head -n 1 | cut -d: -f1)" || true
    [ -n "$owner" ] || { echo "package.sh: no Debian package owns $path" >&2; exit 1; }
    depends+=("$owner")
done < <(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
depends_line="$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')"

cat > "$stage/DEBIAN/control" <<CONTROL
Package: sigma-worker
Version: $version
Architecture: $arch
Maintainer: sigma-worker developers <sigma-worker@localhost>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $depends_line
Section: misc
Priority: optional
Homepage: https://github.com/maggots555/inventario-calidad-django
Description: Celery-compatible task worker for SIGMA (Redis broker)
 Runs SIGMA's tasks and Celery's protocol in place of "celery worker": same .env, flags,
 queues, results, remote control and events, in one static binary.
CONTROL

mkdir -p "$out"
deb="$out/sigma-worker_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >/dev/null
echo "# binary: $(stat -c %s "$binary") bytes unstripped, $(stat -c %s "$stage/usr/bin/sigma-worker") bytes stripped" >&2
echo "# package: $(stat -c %s "$deb") bytes; Depends: $depends_line" >&2
echo "$deb"
