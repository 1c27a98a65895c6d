#!/usr/bin/env bash
# Vendors the socket.io browser client and Chart.js (the review console's charts) into
# bot/web/static/vendor/ (no CDN at run time).
# `npm pack` fetches the exact tarball from the npm registry (checked against its recorded
# integrity); we copy the minified browser build and the licence, and
# write the version we took. The vendored files are committed; re-run this to upgrade.
# socket.io-client 4.x speaks Engine.IO protocol 4 (EIO=4), the protocol of
# python-engineio >= 4 / python-socketio >= 5 that Rasa's socketio channel runs.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${SOCKET_IO_CLIENT_VERSION:-4.8.1}
CHART_VERSION=${CHART_JS_VERSION:-4.5.1}
OUT=bot/web/static/vendor
WORK=build/vendor-web
command -v npm >/dev/null || { echo "vendor_web: npm not found (apt-get install npm, or use the committed $OUT)" >&2; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" "$OUT"
( cd "$WORK" && npm pack --silent "socket.io-client@$VERSION" >/dev/null && tar xzf socket.io-client-"$VERSION".tgz )
( mkdir -p "$WORK/chart" && cd "$WORK/chart" && npm pack --silent "chart.js@$CHART_VERSION" >/dev/null && tar xzf chart.js-"$CHART_VERSION".tgz )
PKG="$WORK/package"
got=$(node -p "require('./$PKG/package.json').version")
[ "$got" = "$VERSION" ] || { echo "vendor_web: expected $VERSION, got $got" >&2; exit 1; }
cp "$PKG/dist/socket.io.min.js" "$OUT/socket.io.min.js"
cp "$PKG/LICENSE" "$OUT/socket.io-client.LICENSE"
CHART="$WORK/chart/package"
got=$(node -p "require('./$CHART/package.json').version")
[ "$got" = "$CHART_VERSION" ] || { echo "vendor_web: expected chart.js $CHART_VERSION, got $got" >&2; exit 1; }
cp "$CHART/dist/chart.umd.min.js" "$OUT/chart.umd.min.js"
cp "$CHART/LICENSE.md" "$OUT/chart.js.LICENSE.md"
printf 'socket.io-client %s (npm), dist/socket.io.min.js, MIT licence: socket.io-client.LICENSE\nsha256 %s\n' \
  "$VERSION" "$(sha256sum "$OUT/socket.io.min.js" | cut -d' ' -f1)" > "$OUT/VERSION"
printf 'chart.js %s (npm), dist/chart.umd.min.js, MIT licence: chart.js.LICENSE.md\nsha256 %s\n' \
  "$CHART_VERSION" "$(sha256sum "$OUT/chart.umd.min.js" | cut -d' ' -f1)" >> "$OUT/VERSION"
echo "vendored socket.io-client $VERSION and chart.js $CHART_VERSION into $OUT"
