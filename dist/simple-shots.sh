#!/usr/bin/env bash
# Simple-mode screenshots in 简体中文 at 1024x600, zoom 100 and 150, each tab with a lesson peer.
set -u
B=${B:-target/release/socket-tester}
P=${P:-../shared/peers/seed_peers.py}
OUT=${OUT:-assets/screenshots}
S=${S:-../shared/tools/screenshot.sh}
home() { rm -rf $1 && mkdir -p $1/.local/share/socket-tester && printf '{"app":"(classroom:(zoom_pct:%s,simple:Some(true)))"}' $2 > $1/.local/share/socket-tester/app.ron; }
for z in 100 150; do
  H=$(mktemp -d)
  # UDP receiver on 18080; the lesson's sender sends 你好 in GBK a few times.
  home $H $z
  (sleep 3; python3 $P udp-send --to 127.0.0.1:18080 --bind 17890 --encoding gbk --count 4 --interval 0.3 你好 >/dev/null 2>&1) &
  HOME=$H LANG=zh_CN.UTF-8 $S $OUT/zh-simple-udp-recv-$z.png --wait 6 --size 1024x600 -- $B udp-recv --bind 127.0.0.1:18080 --encoding gbk
  wait
  # UDP sender to the lesson's receiver.
  home $H $z
  (python3 $P udp-recv --bind 127.0.0.1:18081 --encoding gbk --count 3 --timeout 12 >/dev/null 2>&1) &
  HOME=$H LANG=zh_CN.UTF-8 $S $OUT/zh-simple-udp-send-$z.png --wait 6 --size 1024x600 -- $B udp-send --to 127.0.0.1:18081 --bind 17891 --send 你好 --every 1s --count 3 --encoding gbk
  wait
  # TCP server replying 收到啦我反馈; two lesson clients connect.
  home $H $z
  (sleep 3; python3 $P tcp-client --connect 127.0.0.1:17892 --encoding gbk --expect-reply 你好 >/dev/null 2>&1; python3 $P tcp-client --connect 127.0.0.1:17892 --encoding gbk --expect-reply 学号:2024001 你好 >/dev/null 2>&1) &
  HOME=$H LANG=zh_CN.UTF-8 $S $OUT/zh-simple-tcp-server-$z.png --wait 7 --size 1024x600 -- $B tcp-server --listen 127.0.0.1:17892 --reply 收到啦我反馈 --encoding gbk
  wait
  # TCP client to the lesson's server.
  home $H $z
  (python3 $P tcp-server --listen 127.0.0.1:17893 --encoding gbk --reply 收到啦我反馈 --timeout 12 >/dev/null 2>&1) &
  sleep 1
  HOME=$H LANG=zh_CN.UTF-8 $S $OUT/zh-simple-tcp-client-$z.png --wait 6 --size 1024x600 -- $B tcp-client --connect 127.0.0.1:17893 --send 你好 --encoding gbk
  wait
done
rm -f "$OUT"/zh-simple-*.png.log
