#!/usr/bin/env bash
# Side-by-side performance figures on this machine, all on 127.0.0.1:
#  1. library benchmarks against x/crypto/ssh (interop module): 1 GiB each
#     way per cipher, handshakes, idle connection cost per side; SFTP 1 GiB
#     each way against OpenSSH's sftp and pkg/sftp;
#  2. the commands: ssh2 -> ssh2d against OpenSSH ssh -> sshd, moving
#     1 GiB each way, timed with the same shell.
# Usage: bash scripts/bench.sh [GiB]   (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
gib="${1:-1}"
n=$((gib * 1024))
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== library: ssh2 vs x/crypto/ssh ($gib GiB per case)"
(cd interop && go test -run '^$' -bench 'Bulk' -benchtime "${n}x" -count 1 .)
(cd interop && go test -run '^$' -bench 'Handshake' -benchtime 3s -count 1 .)
(cd interop && go test -run '^$' -bench 'IdleConnection' -benchtime 1x -count 1 .)

echo "== SFTP over sshd's internal-sftp: ssh2 vs OpenSSH sftp vs pkg/sftp ($gib GiB per case)"
(cd interop && go test -run '^$' -bench 'SFTP' -benchtime "${n}x" -count 1 .)

echo "== commands: ssh2 -> ssh2d vs ssh -> sshd ($gib GiB each way)"
go build -o "$work/ssh2" ./cmd/ssh2
go build -o "$work/ssh2d" ./cmd/ssh2d
ssh-keygen -q -t ed25519 -N '' -f "$work/id"
cp "$work/id.pub" "$work/authorized_keys"
for t in ed25519; do ssh-keygen -q -t $t -N '' -f "$work/host_$t"; done

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p1=$(port); p2=$(port)
"$work/ssh2d" -listen "127.0.0.1:$p1" -hostkey "$work/host_ed25519" -authorized-keys "$work/authorized_keys" >"$work/ssh2d.log" 2>&1 &
mkdir -p /run/sshd 2>/dev/null || true
cat >"$work/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $p2
HostKey $work/host_ed25519
AuthorizedKeysFile $work/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin yes
CFG
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
for p in $p1 $p2; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
opts=(-i "$work/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes)
run() { # client port direction
  local client=$1 p=$2 dir=$3 start end
  start=$(date +%s.%N)
  if [ "$dir" = up ]; then
    head -c "${gib}G" /dev/zero | "$client" -p "$p" "${opts[@]}" 127.0.0.1 'cat > /dev/null'
  else
    "$client" -p "$p" "${opts[@]}" 127.0.0.1 "head -c ${gib}G /dev/zero" > /dev/null
  fi
  end=$(date +%s.%N)
  printf '%-22s %-8s %6.2f s  %7.1f MB/s\n' "$(basename "$client") -> port $p" "$dir" "$(echo "$end - $start" | bc)" "$(echo "$gib * 1073.741824 / ($end - $start)" | bc -l)"
}
for dir in up down; do
  run "$work/ssh2" "$p1" "$dir"
  run ssh "$p2" "$dir"
done
