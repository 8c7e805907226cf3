#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when missing (Playwright's own browser
# download is unreachable from these machines; the tests launch /usr/bin/chromium).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "browser: installing chromium from Debian packages" >&2
  as_root apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >&2
fi
