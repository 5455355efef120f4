#!/usr/bin/env bash
# Refresh the vendored Chart.js from npm (no CDN at run time; CI needs no npm).
# Usage: bash static/vendor/refresh.sh [version]   e.g. 4.6.1
# The sourceMappingURL line is stripped: the map is not vendored, and Django's manifest storage
# refuses to collect a file that points at a missing map. htmx comes with django-htmx.
set -euo pipefail
version=${1:-4}
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "chart.js@$version" >/dev/null && tar xzf chart.js-*.tgz)
grep -v '^//# sourceMappingURL=' "$tmp/package/dist/chart.umd.min.js" > "$here/chart.umd.min.js"
cp "$tmp/package/LICENSE.md" "$here/chart.js.LICENSE.md"
echo "Chart.js $(node -p "require('$tmp/package/package.json').version") -> $here/chart.umd.min.js"
