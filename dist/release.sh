#!/usr/bin/env bash
# Builds the release binary and packs it for Linux x86_64:
#   dist/out/socket-tester-<version>-linux-x86_64.tar.gz
#   dist/out/socket-tester-<version>-linux-x86_64.tar.gz.sha256   (sha256sum format)
# The tarball holds one directory, socket-tester-<version>/, with the binary, README.md,
# LICENSE-MIT, LICENSE-APACHE, the 256 px icon and the desktop entry.
# <version> is read from Cargo.toml. Run from anywhere; needs cargo, tar, gzip, sha256sum.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)"
if [ -z "$version" ]; then
    echo "release.sh: could not read the version from Cargo.toml" >&2
    exit 1
fi

arch="$(uname -m)"
if [ "$arch" != "x86_64" ]; then
    echo "release.sh: this packs a linux-x86_64 tarball, but this machine is $arch" >&2
    exit 1
fi

echo "== cargo build --release (socket-tester $version)"
cargo build --release --locked --bin socket-tester

target_dir="${CARGO_TARGET_DIR:-$root/target}"
bin="$target_dir/release/socket-tester"
[ -x "$bin" ] || { echo "release.sh: $bin not found" >&2; exit 1; }

name="socket-tester-$version-linux-x86_64"
out="$root/dist/out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

pkg="$stage/socket-tester-$version"
mkdir -p "$pkg"
install -m 755 "$bin" "$pkg/socket-tester"
install -m 644 README.md LICENSE-MIT LICENSE-APACHE "$pkg/"
install -m 644 assets/icon-256.png "$pkg/socket-tester.png"
install -m 644 dist/socket-tester.desktop "$pkg/socket-tester.desktop"

mkdir -p "$out"
rm -f "$out/$name.tar.gz" "$out/$name.tar.gz.sha256"
# Reproducible-ish: fixed owner, sorted entries, mtime from the last commit.
mtime="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -C "$stage" -cf - "socket-tester-$version" | gzip -n -9 > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

echo "== $out/$name.tar.gz"
tar -tvzf "$out/$name.tar.gz"
cat "$out/$name.tar.gz.sha256"
ls -l "$bin" "$out/$name.tar.gz"
