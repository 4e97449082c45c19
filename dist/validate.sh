#!/usr/bin/env bash
# Validates the Linux desktop integration files:
#   dist/socket-tester.desktop                             (desktop-file-validate)
#   dist/io.github.sockettester.SocketTester.metainfo.xml  (appstreamcli validate --no-net)
# Installs Debian's desktop-file-utils and appstream first if the tools are missing.
# Exits non-zero if either file fails validation. Hints/pedantic notes do not fail.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

need=()
command -v desktop-file-validate >/dev/null 2>&1 || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null 2>&1 || need+=(appstream)
if ((${#need[@]})); then
    echo "validate.sh: installing ${need[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

status=0

echo "== desktop-file-validate dist/socket-tester.desktop"
if desktop-file-validate "$here/socket-tester.desktop"; then
    echo "ok"
else
    echo "FAILED: desktop-file-validate" >&2
    status=1
fi

echo "== appstreamcli validate --no-net dist/io.github.sockettester.SocketTester.metainfo.xml"
if appstreamcli validate --no-net "$here/io.github.sockettester.SocketTester.metainfo.xml"; then
    echo "ok"
else
    echo "FAILED: appstreamcli validate" >&2
    status=1
fi

exit "$status"
