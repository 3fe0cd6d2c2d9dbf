"""A minimal Marionette client: Thunderbird's remote-control protocol.

Each message is `LENGTH:JSON`; a command is [0, id, name, params], its answer
[1, id, error, result]. Python 3 standard library only.
"""

import json
import socket
import time


class MarionetteError(Exception):
    def __init__(self, message, error=None, data=None):
        super().__init__(message)
        self.error = error  # the WebDriver error code, e.g. "unexpected alert open"
        self.data = data or {}


class Marionette:
    def __init__(self, port, timeout):
        self._sock = self._connect(port, timeout)
        self._sock.settimeout(timeout)
        self._buffer = b""
        self._next_id = 0
        self.hello = self._receive()

    @staticmethod
    def _connect(port, timeout):
        # Thunderbird opens the port a moment after it starts; retry until then.
        deadline = time.monotonic() + timeout
        while True:
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=1)
            except OSError:
                if time.monotonic() > deadline:
                    raise MarionetteError("no Marionette server on port %d" % port)
                time.sleep(0.1)

    def close(self):
        self._sock.close()

    def _receive(self):
        while b":" not in self._buffer:
            self._fill()
        length, _, rest = self._buffer.partition(b":")
        size = int(length)
        self._buffer = rest
        while len(self._buffer) < size:
            self._fill()
        body, self._buffer = self._buffer[:size], self._buffer[size:]
        return json.loads(body)

    def _fill(self):
        chunk = self._sock.recv(65536)
        if not chunk:
            raise MarionetteError("Marionette closed the connection")
        self._buffer += chunk

    def command(self, name, params=None):
        self._next_id += 1
        body = json.dumps([0, self._next_id, name, params or {}]).encode()
        self._sock.sendall(b"%d:%s" % (len(body), body))
        while True:
            kind, msg_id, error, result = self._receive()
            if kind == 1 and msg_id == self._next_id:
                break
        if error:
            raise MarionetteError("%s: %s" % (name, error.get("message", error)), error.get("error"),
                                  error.get("data"))
        return result

    def start_chrome_session(self):
        # Top level, not inside "capabilities": only there does Marionette leave
        # the PIN prompt to us instead of dismissing it (which makes the send
        # fail with a misleading "signing certificate not valid").
        self.command("WebDriver:NewSession", {"unhandledPromptBehavior": "ignore"})
        self.command("Marionette:SetContext", {"value": "chrome"})

    def execute(self, script, args=None):
        """Runs script (a function body) in the current chrome window; returns its value."""
        result = self.command("WebDriver:ExecuteScript", {"script": script, "args": args or []})
        return result.get("value") if isinstance(result, dict) else result

    def execute_async(self, script, args=None):
        """Like execute(), for a script that calls its last argument with the result."""
        result = self.command("WebDriver:ExecuteAsyncScript", {"script": script, "args": args or []})
        return result.get("value") if isinstance(result, dict) else result
