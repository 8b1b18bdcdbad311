#!/usr/bin/env bash
# Installs the system pieces Hallwatch runs on, when they are missing: ffmpeg, nats-server,
# GStreamer's RTSP server (demo camera and tests), Chromium (the console's browser tests), the
# embedded FerretDB and the detector's ONNX model (converted from @vladmandic/human's CenterNet with
# Debian's python3-onnx). Quick when all are there.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[install-system-deps] $*" >&2; }

missing_debs=()
command -v ffmpeg >/dev/null 2>&1 || missing_debs+=(ffmpeg)
command -v patch >/dev/null 2>&1 || missing_debs+=(patch)
command -v nats-server >/dev/null 2>&1 || missing_debs+=(nats-server)
# The console's browser tests drive Debian's Chromium (Playwright's own browser download needs internet).
[ -x /usr/bin/chromium ] || missing_debs+=(chromium)
# The monthly notice's PDF is printed by that Chromium and needs a Chinese font.
fc-list :lang=zh 2>/dev/null | grep -q . || missing_debs+=(fonts-wqy-microhei)
# The console's test from another host: a network namespace (ip), a test CA (openssl) that
# Chromium trusts through its NSS store (certutil).
command -v ip >/dev/null 2>&1 || missing_debs+=(iproute2)
command -v openssl >/dev/null 2>&1 || missing_debs+=(openssl)
command -v certutil >/dev/null 2>&1 || missing_debs+=(libnss3-tools)
if ! /usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" >/dev/null 2>&1; then
  missing_debs+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
                 gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav)
fi
# The trust harness's clock-skew operation runs a service under libfaketime.
command -v faketime >/dev/null 2>&1 || missing_debs+=(faketime)
# The ONNX conversion of the detector model (scripts/convert-centernet-onnx.py).
/usr/bin/python3 -c "import onnx, numpy" >/dev/null 2>&1 || missing_debs+=(python3-onnx python3-numpy)

if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "missing Debian packages: ${missing_debs[*]}; install them as root (apt-get install ${missing_debs[*]})"
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  say "installing Debian packages: ${missing_debs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing_debs[@]}" >/dev/null
fi

# FerretDB is needed only when no MongoDB is configured. Its source from the Go module proxy gets
# deploy/ferretdb/*.patch (docs/operations.md, The embedded servers) in .hallwatch/ferretdb-src,
# which deploy/ferretdb/go.mod builds in its place.
bin=.hallwatch/bin/ferretdb
src=.hallwatch/ferretdb-src
stale=
if [ -x "$bin" ]; then stale=$(find deploy/ferretdb \( -name main.go -o -name '*.patch' \) -newer "$bin"); fi
if [ -z "${MONGODB_URI:-}" ] && [ ! -x "$bin" -o -n "$stale" -o ! -d "$src" ]; then
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then PATH=$PATH:/usr/local/go/bin; fi
  if ! command -v go >/dev/null 2>&1; then
    say "Go is needed to build the embedded FerretDB (or set MONGODB_URI to a MongoDB 7 server)"
    exit 1
  fi
  say "building the embedded FerretDB 1.24 (first time only, a few minutes)"
  mkdir -p .hallwatch/bin
  version=$(sed -n 's#^require github.com/FerretDB/FerretDB \(v[0-9.]*\)$#\1#p' deploy/ferretdb/go.mod)
  module=$(cd /tmp && GO111MODULE=on GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$src" "$src.new"
  cp -r "$module" "$src.new"
  chmod -R u+w "$src.new"
  for patch in deploy/ferretdb/*.patch; do patch -s -d "$src.new" -p1 <"$patch"; done
  mv "$src.new" "$src"
  (cd deploy/ferretdb && go build -o ../../"$bin" .)
fi

# The detector's fast backend (libs/vision/README.md, Backends): its model converted once per
# converter and model version, into .hallwatch/models/centernet-person-<hash>.onnx.
/usr/bin/python3 scripts/convert-centernet-onnx.py >/dev/null
