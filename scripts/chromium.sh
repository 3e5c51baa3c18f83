#!/bin/sh
# Install Debian's chromium (and its chromedriver, which the page tests drive through the W3C WebDriver
# protocol to click buttons) for the headless page tests (tests/test_query_page.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. No browser download:
# only the distribution package is used.
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -e /usr/share/fonts/opentype/ipafont-gothic ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium chromium-driver fonts-ipafont-gothic
/usr/bin/chromium --version
