#!/usr/bin/env bash
# Host packages the hotline needs on Debian 12 (root). Idempotent and quick when everything is there:
# mmdebstrap builds the Asterisk root, espeak-ng + sox make the Mandarin prompts; sipp, baresip, chromium and
# tcpdump are the real callers, phones and browser of the test suite; postgresql is the server the database-outage
# test starts and crashes (tests/db/database-outage.test.ts).
set -euo pipefail
PKGS=(mmdebstrap espeak-ng sox sip-tester baresip chromium tcpdump fonts-noto-cjk postgresql)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-host: missing Debian packages: ${missing[*]} — run as root or: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-host: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
