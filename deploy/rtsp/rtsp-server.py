#!/usr/bin/python3
"""RTSP test camera: serves video files as endless live RTSP streams (demo camera and tests).

    rtsp-server.py --port 8554 --mount /cam1=test/media/classroom-seated.mp4 [--mount /cam2=udp:PORT ...]

Each file is looped by ffmpeg (`-stream_loop -1 -re`, so timestamps keep rising across loops) into
MPEG-TS over loopback UDP, and GStreamer's RTSP server re-packs that for any number of clients.
A mount given as udp:PORT has no feeder of its own: whoever sends MPEG-TS to that loopback UDP port
is the camera (the trust harness starts, stops and freezes its cameras that way).
Prints "ready rtsp://127.0.0.1:PORT" once it serves. Needs python3-gi, gir1.2-gst-rtsp-server-1.0
and ffmpeg (scripts/install-system-deps.sh installs them).
"""
import argparse
import ctypes
import signal
import socket
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PR_SET_PDEATHSIG = 1


def die_with_parent():
    # ffmpeg must not outlive this server, even when the server is killed with SIGKILL in a test.
    ctypes.CDLL("libc.so.6").prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--mount", action="append", required=True, help="/path=FILE")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    feeders = []
    for spec in args.mount:
        path, _, file = spec.partition("=")
        if not path.startswith("/") or not file:
            sys.exit(f"rtsp-server: --mount {spec!r} must look like /cam1=FILE")
        if file.startswith("udp:"):
            udp = int(file[4:])
        else:
            udp = free_udp_port()
            feeders.append(subprocess.Popen(
                ["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", file,
                 # No explicit -bsf:v h264_mp4toannexb: the mpegts muxer adds it itself, and an explicit
                 # one fails at the first loop ("non-NULL packet sent after an EOF") and stops the stream.
                 "-an", "-c:v", "copy", "-f", "mpegts",
                 f"udp://127.0.0.1:{udp}?pkt_size=1316"],
                preexec_fn=die_with_parent))
        factory = GstRtspServer.RTSPMediaFactory()
        # The queue decouples tsdemux's streaming thread from the payloader; without it no RTP
        # packet ever reaches a client (it gets the SDP, then nothing).
        factory.set_launch(
            f"( udpsrc address=127.0.0.1 port={udp} buffer-size=2097152 ! tsdemux ! queue ! h264parse "
            f"! rtph264pay name=pay0 pt=96 config-interval=1 )")
        factory.set_shared(True)
        mounts.add_factory(path, factory)

    if server.attach(None) == 0:
        sys.exit(f"rtsp-server: cannot listen on 127.0.0.1:{args.port}")
    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"ready rtsp://127.0.0.1:{args.port}", flush=True)
    try:
        loop.run()
    finally:
        for feeder in feeders:
            feeder.kill()


if __name__ == "__main__":
    main()
