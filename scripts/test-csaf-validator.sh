#!/bin/sh
# Make sure the reference CSAF 2.0 validator (npm @secvisogram/csaf-validator-lib 2.0.10,
# MIT) is installed for the tests, in .cache/csaf-validator of the work tree (never a
# runtime dependency); print that folder. Installs Node.js and npm with apt-get when
# missing (needs root, as on CI), then the package with npm.
set -eu
VERSION=2.0.10
DIR="$(cd "$(dirname "$0")/.." && pwd)/.cache/csaf-validator"
PACKAGE="$DIR/node_modules/@secvisogram/csaf-validator-lib/package.json"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "Node.js and npm are not installed: run as root, or apt-get install nodejs npm" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -f "$PACKAGE" ] || ! grep -q "\"version\": \"$VERSION\"" "$PACKAGE"; then
  mkdir -p "$DIR"
  npm install --silent --no-audit --no-fund --prefix "$DIR" \
    "@secvisogram/csaf-validator-lib@$VERSION" >&2
fi
echo "$DIR"
