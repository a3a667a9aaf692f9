#!/usr/bin/env bash
# Browser tests need Debian's Chromium, Chinese fonts and axe-core (npm). Install what is missing
# when we can; otherwise fail with a clear message (browser tests are never skipped silently).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qiE "wenquanyi|noto sans cjk" || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]} (Debian packages)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "ERROR: browser tests need Debian packages: ${missing[*]}." >&2
    echo "       Run: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null || { echo "ERROR: npm is needed to install axe-core for accessibility tests." >&2; exit 1; }
  npm ci --no-audit --no-fund --silent
fi
