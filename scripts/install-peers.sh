#!/usr/bin/env bash
# Installs the real SSH implementations the interop tests talk to, on a
# Debian (bookworm) machine. Idempotent: it installs only what is missing
# and runs apt-get update only when something is. Works as root, or through
# sudo otherwise.
#
# It never edits /etc/ssh or ~/.ssh and never starts system services.
#
# As root it also creates the local test account used by the password and
# keyboard-interactive interop tests against sshd. Its name and password are
# defined here and, identically, in internal/testpeer/account.go.
set -euo pipefail
cd "$(dirname "$0")/.."

TEST_USER=ssh2test
TEST_PASSWORD='ssh2test-Interop-Pw1'

PACKAGES=(openssh-client openssh-server openssh-sftp-server dropbear-bin
  putty-tools python3-paramiko python3-asyncssh ssh-audit openssl)

say() { printf 'install-peers: %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    SUDO=(false)
  fi
fi

failed=0

# --- Debian packages -------------------------------------------------------
if ! command -v dpkg-query >/dev/null; then
  say "dpkg-query not found: not a Debian system, cannot install ${PACKAGES[*]}"
  failed=1
else
  missing=()
  for p in "${PACKAGES[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$st" in
      ii*) ;;
      *) missing+=("$p") ;;
    esac
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "all Debian packages present: ${PACKAGES[*]}"
  else
    say "installing missing packages: ${missing[*]}"
    # Keep package scripts from starting services (sshd, dropbear): a
    # policy-rc.d that denies every action, removed again afterwards if we
    # created it.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      if printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null &&
        "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d; then
        made_policy=1
      fi
    fi
    rc=0
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update || rc=$?
    if [ $rc -eq 0 ]; then
      "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends "${missing[@]}" || rc=$?
    fi
    if [ $made_policy -eq 1 ]; then
      "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d || true
    fi
    # A postinst that fails only because it could not start a service
    # leaves the binaries installed; judge by the package state, not rc.
    still=()
    for p in "${missing[@]}"; do
      st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
      case "$st" in
        ii*) ;;
        *) still+=("$p") ;;
      esac
    done
    if [ ${#still[@]} -ne 0 ]; then
      say "apt-get exited $rc; still not installed: ${still[*]}"
      failed=1
    else
      say "installed: ${missing[*]} (apt-get exit status $rc)"
    fi
  fi
fi

# --- Node ssh2 -------------------------------------------------------------
if command -v node >/dev/null && command -v npm >/dev/null; then
  want=$(cd interop/node && node -p "require('./package.json').dependencies.ssh2")
  have=$(cd interop/node && node -p "require('ssh2/package.json').version" 2>/dev/null || true)
  if [ "$have" = "$want" ]; then
    say "node ssh2 $have present in interop/node/node_modules"
  else
    say "npm install of ssh2 $want into interop/node (have: ${have:-none})"
    # npm ci installs exactly what package-lock.json records.
    if (cd interop/node && npm ci --no-audit --no-fund); then
      say "node ssh2 installed"
    else
      say "npm install failed"
      failed=1
    fi
  fi
else
  say "node/npm not found: skipping Node ssh2"
fi

# --- test account ----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  if getent passwd "$TEST_USER" >/dev/null; then
    say "test account $TEST_USER present"
  else
    say "creating test account $TEST_USER"
    if useradd --create-home --shell /bin/bash "$TEST_USER" &&
      printf '%s:%s\n' "$TEST_USER" "$TEST_PASSWORD" | chpasswd; then
      say "test account $TEST_USER created"
    else
      say "could not create test account $TEST_USER"
      failed=1
    fi
  fi
else
  say "not root: test account $TEST_USER not managed (password interop tests will skip)"
fi

# sshd refuses to start as root without its privilege-separation directory.
if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
  mkdir -p /run/sshd && chmod 755 /run/sshd && say "created /run/sshd"
fi

if [ $failed -ne 0 ]; then
  say "FAILED: some peers could not be installed"
  exit 1
fi
say "done"
