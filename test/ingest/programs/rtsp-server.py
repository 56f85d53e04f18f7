"""Serves a video file (H.264 + AAC in mp4) over RTSP with gst-rtsp-server, as a camera would.

Usage: /usr/bin/python3 rtsp-server.py PORT FILE
Serves rtsp://127.0.0.1:PORT/clip, video and audio, in real time, each client from the start;
prints "ready" once listening. Run with Debian's python3, which has gi and GstRtspServer.
"""
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
port, path = sys.argv[1], sys.argv[2]
quoted = '"' + path.replace('\\', '\\\\').replace('"', '\\"') + '"'

factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f'( filesrc location={quoted} ! qtdemux name=demux'
    ' demux.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1'
    ' demux.audio_0 ! queue ! aacparse ! rtpmp4gpay name=pay1 pt=97 )'
)
factory.set_shared(False)

server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
server.get_mount_points().add_factory('/clip', factory)
if server.attach(None) == 0:
    sys.exit(f'cannot listen on 127.0.0.1:{port}')
print('ready', flush=True)
GLib.MainLoop().run()
