#!/usr/bin/env bash
# Retakes the README's screenshots of the real window (release build) under Xvfb, at
# 1280×800 and 1024×600, in English and in 简体中文, against the lesson's peers.
#   dist/screenshots.sh [SEED_PEERS.py]   (default ../shared/peers/seed_peers.py)
# Needs Xvfb, xdotool and ImageMagick's `import` (../shared/tools/screenshot.sh installs
# them), python3 and fonts-noto-cjk. Writes assets/screenshots/{en,zh}-<tab>[-1024].png.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${1:-../shared/peers/seed_peers.py}
shot=../shared/tools/screenshot.sh
bin=target/release/socket-tester
out=assets/screenshots
mkdir -p "$out"
[[ -x $bin ]] || { echo "build first: cargo build --release" >&2; exit 2; }

take() { # take NAME SIZE LANG PEER-COMMAND -- APP-ARGS...
  local name=$1 size=$2 lang=$3 peer=$4; shift 5
  local w=${size%x*} h=${size#*x}
  SOCKET_TESTER_DATA_DIR=$(mktemp -d)
  export SOCKET_TESTER_DATA_DIR
  if [[ -n $peer ]]; then (sleep 2.5; eval "$peer") >/dev/null 2>&1 & fi
  LANG=$lang "$shot" "$out/$name.png" --size "$size" --wait 5 \
    --keys "search --sync --name Socket windowmove 0 0 windowsize $w $h" -- "$bin" "$@" >/dev/null
  rm -f "$out/$name.png.log"
  wait
}

for lang in en zh; do
  L=C.UTF-8; [[ $lang == zh ]] && L=zh_CN.UTF-8
  for size in 1280x800 1024x600; do
    sfx=""; [[ $size == 1024x600 ]] && sfx="-1024"
    take "$lang-udp-send$sfx" $size $L \
      "python3 $peers udp-recv --bind 127.0.0.1:8080 --count 5 --timeout 6" -- \
      udp-send --to 127.0.0.1:8080 --bind 7890 --template --send '你好 {seq}' --every 700ms --count 5 --encoding gbk
    take "$lang-udp-recv$sfx" $size $L \
      "python3 $peers udp-send --to 127.0.0.1:8080 --bind 7890 --encoding gbk --count 3 --interval 0.4 你好" -- \
      udp-recv --bind 127.0.0.1:8080 --encoding gbk --reply 收到啦我反馈
    take "$lang-tcp-client$sfx" $size $L \
      "" -- tcp-client --connect 127.0.0.1:7891 --send 你好 --encoding gbk &
    sleep 0.5; python3 "$peers" tcp-server --listen 127.0.0.1:7891 --encoding gbk --reply 收到啦我反馈 --timeout 6 >/dev/null 2>&1 || true
    wait
    take "$lang-tcp-server$sfx" $size $L \
      "for i in 1 2 3; do python3 $peers tcp-client --connect 127.0.0.1:7891 --encoding gbk --expect-reply 你好; done" -- \
      tcp-server --listen 127.0.0.1:7891 --encoding gbk --reply 收到啦我反馈
  done
done
echo "screenshots in $out"
