"""A private pcscd with carta-sim holding a copy of a prepared card, through
scripts/simcard; the environment a PC/SC client needs to reach it.
"""

import os
import shlex
import shutil
import subprocess


class SimulatedCard:
    """with SimulatedCard(simcard_script, sim, state, directory) as card: card.env (dict)"""

    def __init__(self, simcard_script, sim, state, directory):
        self._script = simcard_script
        self._sim = sim
        self._state = state
        self._dir = directory
        self.env = {}

    def __enter__(self):
        os.makedirs(self._dir)
        card = os.path.join(self._dir, "card.state")
        shutil.copyfile(self._state, card)
        # --owner-pid: should this test die, the instance stops itself.
        out = subprocess.run(
            [self._script, "up", "--dir", os.path.join(self._dir, "sim"), "--state", card,
             "--sim", self._sim, "--owner-pid", str(os.getpid())],
            check=True, stdout=subprocess.PIPE, text=True, timeout=120).stdout
        for line in out.splitlines():
            words = shlex.split(line)
            if words[:1] == ["export"]:
                for assignment in words[1:]:
                    name, _, value = assignment.partition("=")
                    self.env[name] = value
        return self

    def __exit__(self, *exc):
        subprocess.run([self._script, "down", "--purge", "--dir", os.path.join(self._dir, "sim")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
