"""An SMTP sink on loopback: accepts every message and keeps it in memory.

Just enough of RFC 5321 for Thunderbird without authentication or TLS. The port
is chosen by the OS, so parallel tests never clash. Python 3 standard library
only (smtpd is deprecated and gone from 3.12).
"""

import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    timeout = 30  # a stuck client must not hold the test

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost carta test sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.server.sink.deliver(self._read_data())
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def _read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            # Dot-unstuffing (RFC 5321 4.5.2).
            lines.append(line[1:] if line.startswith(b".") else line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """with SmtpSink() as sink: ... sink.port ... sink.messages()"""

    def __init__(self):
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._messages = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def deliver(self, data):
        with self._lock:
            self._messages.append(data)

    def messages(self):
        with self._lock:
            return list(self._messages)
