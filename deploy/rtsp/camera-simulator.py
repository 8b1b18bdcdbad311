#!/usr/bin/python3
"""RTSP test camera: serves video files as endless live RTSP streams (demo camera, tests, benchmarks).

    rtsp-server.py --port 8554 --mount /cam1=test/media/classroom-seated.mp4 [--mount /cam2=udp:PORT ...]

Each distinct file is read once, at start, into memory as H.264 access units (GStreamer demuxes and
parses it; nothing is encoded), and one clock per file plays it in a loop from the server's start,
timestamps rising across loops, as a live camera would. The n files' clocks start 1/n of a keyframe
interval apart: real cameras' keyframes fall at unrelated times, and clips cut at whole keyframe
intervals would otherwise send every camera's keyframe at the same instant (a burst of decoding
and judging every interval that no district sees). All mounts of that file share one RTSP
media (one payloader whose packets go to every client of every such mount): no process per mount,
so one server serves a hundred cameras at little cost (one ffmpeg feeder per camera over UDP
garbled the streams at 40; a pipeline per mount cost 0.5 % of a core per client, one per file 0.2).
The first client of a file starts at its last keyframe (sent at once, as many cameras do); later
ones join the shared stream where it plays, so their decoders wait for the next keyframe (at most
one keyframe interval). A mount given as udp:PORT has no clip of its own: whoever sends MPEG-TS to that loopback UDP
port is the camera (the trust harness starts, stops and freezes its cameras that way).
Prints "ready rtsp://127.0.0.1:PORT" once it serves. Needs python3-gi and gir1.2-gst-rtsp-server-1.0
(scripts/install-system-deps.sh installs them).
"""
import argparse
import signal
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstApp, GstRtspServer  # noqa: E402,F401  (GstApp: appsrc/appsink methods)

H264_AU = "video/x-h264,stream-format=byte-stream,alignment=au"
#: How often each clip's clock looks for frames that are due (a frame is late by at most this).
TICK_MS = 5


class Clip:
    """One file's access units, played in a loop to the mounts that show it."""

    def __init__(self, file):
        # config-interval=-1: SPS and PPS before every keyframe, so a client can start at any of them.
        pipeline = Gst.parse_launch(
            f'filesrc location="{file}" ! parsebin ! h264parse config-interval=-1 ! {H264_AU} '
            f"! appsink name=sink sync=false")
        sink = pipeline.get_by_name("sink")
        pipeline.set_state(Gst.State.PLAYING)
        self.frames = []  # (dts, pts - dts, duration, keyframe, buffer), in ns from the first frame
        self.caps = None
        while True:
            sample = sink.try_pull_sample(10 * Gst.SECOND)
            if sample is None:
                break
            self.caps = self.caps or sample.get_caps()
            buf = sample.get_buffer()
            dts = buf.dts if buf.dts != Gst.CLOCK_TIME_NONE else buf.pts
            self.frames.append([dts, buf.pts - dts, buf.duration, not buf.has_flags(Gst.BufferFlags.DELTA_UNIT), buf])
        error = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        pipeline.set_state(Gst.State.NULL)
        if error or not self.frames or not self.frames[0][3]:
            why = error.parse_error()[0].message if error else "no H.264 video starting with a keyframe"
            sys.exit(f"rtsp-server: cannot serve {file}: {why}")
        first = self.frames[0][0]
        for i, frame in enumerate(self.frames):
            frame[0] -= first
            if frame[2] == Gst.CLOCK_TIME_NONE:
                frame[2] = self.frames[i + 1][0] - first - frame[0] if i + 1 < len(self.frames) else self.frames[i - 1][2]
        self.length = self.frames[-1][0] + self.frames[-1][2]
        #: The time from the first keyframe to the next (the whole clip when it has one).
        self.keyframe_interval = next((f[0] for f in self.frames[1:] if f[3]), self.length)
        #: How far this clip's clock runs behind the server's (set in main: the clips start apart).
        self.lag = 0
        self.loop = 0
        self.next = 0  # index of the next frame due
        # Its media's [appsrc, joined at (ns of the clip's timeline) or None until the first push]: one
        # while any client watches (a media ends with its last client, the next one makes another).
        self.mounts = []

    def due(self):
        """The clip-timeline time of the next frame."""
        return self.loop * self.length + self.frames[self.next][0]

    def play(self, now):
        """Pushes every frame due by `now` (ns since the server started, less the clip's lag) to every mount."""
        now -= self.lag
        while self.due() <= now:
            for mount in self.mounts:
                self.push(mount, self.loop, self.next)
            self.next += 1
            if self.next == len(self.frames):
                self.next, self.loop = 0, self.loop + 1

    def join(self, appsrc):
        """The first client of a mount of this clip made its media: it gets the frames since the last keyframe now, then the clock's."""
        mount = [appsrc, None]
        loop, i = self.loop, self.next - 1
        if i < 0:
            loop, i = loop - 1, len(self.frames) - 1
        while loop >= 0 and not self.frames[i][3]:
            i -= 1
        if loop >= 0:
            backlog = [(loop, k) for k in range(i, len(self.frames) if loop < self.loop else self.next)]
            if loop < self.loop:
                backlog += [(self.loop, k) for k in range(self.next)]
            for at in backlog:
                self.push(mount, *at)
        self.mounts.append(mount)
        return mount

    def leave(self, mount):
        if mount in self.mounts:
            self.mounts.remove(mount)

    def push(self, mount, loop, k):
        dts, offset, duration, keyframe, buf = self.frames[k]
        at = loop * self.length + dts
        if mount[1] is None:
            if not keyframe:
                return
            mount[1] = at
        out = buf.copy()  # shares the memory; only the timestamps are the mount's own
        out.dts = at - mount[1]
        out.pts = out.dts + offset
        out.duration = duration
        mount[0].push_buffer(out)


class OneMediaFactory(GstRtspServer.RTSPMediaFactory):
    """A shared factory whose every mount is one media: the default key is the URL's path, a media per mount."""

    def do_gen_key(self, _url):
        return "clip"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--mount", action="append", required=True, help="/path=FILE or /path=udp:PORT")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    # 120 cameras open 120 sessions at once; the default backlog of 5 refuses some.
    server.set_backlog(256)
    mounts = server.get_mount_points()
    clips = {}
    factories = {}  # clip file -> the factory of all its mounts
    for spec in args.mount:
        path, _, file = spec.partition("=")
        if not path.startswith("/") or not file:
            sys.exit(f"rtsp-server: --mount {spec!r} must look like /cam1=FILE or /cam1=udp:PORT")
        if file in factories:
            mounts.add_factory(path, factories[file])
            continue
        if file.startswith("udp:"):
            factory = GstRtspServer.RTSPMediaFactory()
            # The queue decouples tsdemux's streaming thread from the payloader; without it no RTP
            # packet ever reaches a client (it gets the SDP, then nothing).
            factory.set_launch(
                f"( udpsrc address=127.0.0.1 port={int(file[4:])} buffer-size=2097152 ! tsdemux ! queue ! h264parse "
                f"! rtph264pay name=pay0 pt=96 config-interval=1 )")
        else:
            clip = clips.get(file) or clips.setdefault(file, Clip(file))
            factory = OneMediaFactory()
            factories[file] = factory
            factory.set_launch(
                # The clip's access units were parsed once when read: no parser per mount.
                "( appsrc name=src is-live=true format=time max-bytes=0 ! rtph264pay name=pay0 pt=96 config-interval=1 )")
            factory.connect("media-configure", lambda _f, media, clip=clip: configure(media, clip))
        factory.set_shared(True)
        mounts.add_factory(path, factory)

    for i, clip in enumerate(clips.values()):
        clip.lag = i * clip.keyframe_interval // len(clips)
    if server.attach(None) == 0:
        sys.exit(f"rtsp-server: cannot listen on 127.0.0.1:{args.port}")
    started = time.monotonic_ns()

    def tick():
        now = time.monotonic_ns() - started
        for clip in clips.values():
            clip.play(now)
        return True

    GLib.timeout_add(TICK_MS, tick)
    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"ready rtsp://127.0.0.1:{args.port}", flush=True)
    loop.run()


def configure(media, clip):
    appsrc = media.get_element().get_by_name("src")
    appsrc.set_property("caps", clip.caps)
    mount = clip.join(appsrc)
    media.connect("unprepared", lambda _m: clip.leave(mount))


if __name__ == "__main__":
    main()
