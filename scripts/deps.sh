#!/bin/sh
# Install what soctop needs to build, test and run, from Debian 12's packages.
# Shared by the Makefile (make demo / make test) and .ci/run. As root it runs
# apt-get; otherwise sudo if it needs no password; otherwise it prints the one
# command to run and fails.
set -eu
PKGS="build-essential pkg-config libncurses-dev libwebsockets-dev libjansson-dev
libsqlite3-dev libinih-dev libcmocka-dev libssl-dev tmux locales gettext openssl sqlite3 procps
clang libclang-rt-14-dev valgrind"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "soctop: installing missing packages:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "soctop: cannot install packages (not root, no password-less sudo). Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
