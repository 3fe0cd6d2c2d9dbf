"""Counts the commands in a CARTA_APDU_TRACE file ("> " lines, one per APDU the
card was sent; "< " lines are its responses), so a test can say how many APDUs
one of its phases cost.
"""


class ApduTrace:
    def __init__(self, path):
        self.path = path
        self._mark = 0

    def commands(self):
        try:
            with open(self.path, errors="replace") as f:
                return sum(1 for line in f if line.startswith("> "))
        except FileNotFoundError:
            return 0

    def since_mark(self):
        """Commands since the last call (or since the start); moves the mark."""
        now = self.commands()
        count, self._mark = now - self._mark, now
        return count
