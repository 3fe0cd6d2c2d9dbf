"""What one phase of a run cost: APDUs the card saw, seconds, PIN prompts.

APDUs are counted in the CARTA_APDU_TRACE file, where each command the card
was sent is a "> " line (and its response a "< " line).
"""

import time


def apdu_commands(trace_path):
    try:
        with open(trace_path, errors="replace") as f:
            return sum(1 for line in f if line.startswith("> "))
    except FileNotFoundError:
        return 0


class Phase:
    """phase = Phase("name", trace_path, prompts); ...; phase.end(prompts) prints and keeps the figures.
    prompts is None before the PinPrompts observer exists (none can have been answered)."""

    def __init__(self, name, trace_path, prompts=None):
        self.name = name
        self._trace_path = trace_path
        self._apdus_before = apdu_commands(trace_path)
        self._prompts_before = len(prompts.texts) if prompts else 0
        self._started = time.monotonic()

    def end(self, prompts):
        self.seconds = time.monotonic() - self._started
        self.apdus = apdu_commands(self._trace_path) - self._apdus_before
        self.prompts = len(prompts.texts) - self._prompts_before
        print("%s: %d APDUs, %.1f s, %d PIN prompts" % (self.name, self.apdus, self.seconds, self.prompts))
