"""One headless Thunderbird process on a given profile, remote-controlled through
Marionette, and stopped (with every child it started) by its process group.
"""

import ctypes
import os
import signal
import subprocess
import time

from marionette import Marionette

BINARY = os.environ.get("CARTA_THUNDERBIRD", "/usr/lib/thunderbird/thunderbird")
STOP_GRACE = 5.0
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec: should the test be killed outright (no chance to
    stop Thunderbird), the kernel kills Thunderbird too; its content processes
    end with it."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class StartupError(Exception):
    pass


class Thunderbird:
    """with Thunderbird(profile, env, log_path, extra_args) as tb: tb.marionette..."""

    def __init__(self, profile, env, log_path, extra_args=(), timeout=60):
        self.profile = profile
        self._env = env
        self._log_path = log_path
        self._args = list(extra_args)
        self._timeout = timeout
        self._process = None
        self.marionette = None

    def __enter__(self):
        port_file = os.path.join(self.profile, "MarionetteActivePort")
        if os.path.exists(port_file):
            os.unlink(port_file)
        with open(self._log_path, "ab") as log:
            # Its own session (and so process group): stop() reaches the content
            # processes too, and a signal meant for the test never reaches it.
            self._process = subprocess.Popen(
                [BINARY, "--headless", "--marionette", "-remote-allow-system-access",
                 "-profile", self.profile] + self._args,
                env=self._env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                preexec_fn=_die_with_parent)
        try:
            self.marionette = Marionette(self._wait_for_port(port_file), self._timeout)
            self.marionette.start_chrome_session()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_for_port(self, port_file):
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise StartupError("Thunderbird exited with %d at startup; see %s"
                                   % (self._process.returncode, self._log_path))
            try:
                with open(port_file) as f:
                    port = int(f.read().strip() or 0)
                if port:
                    return port
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise StartupError("Thunderbird opened no Marionette port in %gs" % self._timeout)

    def stop(self):
        if self.marionette:
            self.marionette.close()
            self.marionette = None
        if self._process is None:
            return
        group = self._process.pid  # == its process group id (start_new_session)
        for sig, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue
            if not self._group_alive(group):
                break
        self._process = None

    @staticmethod
    def _group_alive(group):
        try:
            os.killpg(group, 0)
            return True
        except ProcessLookupError:
            return False
