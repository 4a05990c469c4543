#!/bin/sh
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives it; no
# downloaded browser); print its path. Installs it with apt-get when missing (needs root,
# as on CI).
set -eu
BROWSER=/usr/bin/chromium
if [ ! -x "$BROWSER" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Chromium is not installed: run as root, or apt-get install chromium" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "$BROWSER"
