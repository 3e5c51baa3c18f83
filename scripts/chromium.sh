#!/bin/sh
# Install Debian's chromium for the headless query-page test (tests/test_query_page.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. No browser download:
# only the distribution package is used.
set -eu

if [ -x /usr/bin/chromium ] && [ -e /usr/share/fonts/opentype/ipafont-gothic ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium fonts-ipafont-gothic
/usr/bin/chromium --version
