"""What the tests do in Thunderbird's windows, as chrome-context scripts."""

import time

from marionette import MarionetteError

_COMPOSE_READY = """
const win = Services.wm.getMostRecentWindow("msgcompose");
return !!win && win.gLoadingComplete === true;
"""

# From a timer: cmd_sendNow spins its own event loop (PIN prompt, progress), and
# the script must return first. Called before gLoadingComplete, it is lost.
_SEND = """
const win = Services.wm.getMostRecentWindow("msgcompose");
win.setTimeout(() => win.goDoCommand("cmd_sendNow"));
"""

_MAIN_WINDOW_READY = """
const about3Pane = window.gTabmail?.currentAbout3Pane;
return about3Pane?.document.readyState == "complete" && !!about3Pane.threadTree;
"""

_SHOW_FOLDER = """
const [name] = arguments;
const folder = MailServices.accounts.localFoldersServer.rootFolder.getChildNamed(name);
window.gTabmail.currentAbout3Pane.displayFolder(folder);
"""

# From a timer, so that the script has returned before the message's display
# (and the PIN prompt decrypting it) begins.
_SELECT_FIRST_MESSAGE = """
const about3Pane = window.gTabmail.currentAbout3Pane;
if (!(about3Pane.gDBView?.rowCount > 0)) return false;
window.setTimeout(() => { about3Pane.threadTree.selectedIndex = 0; });
return true;
"""

# The body as the message pane renders it (not the header table above it), and
# the S/MIME decryption status Thunderbird reports for the message (null until
# known, 0 for success: nsICMSMessageErrors).
_SHOWN_MESSAGE = """
const pane = window.gTabmail.currentAbout3Pane.messageBrowser.contentWindow;
const doc = pane.getMessagePaneBrowser?.()?.contentDocument;
const body = doc?.querySelector(".moz-text-plain, .moz-text-flowed, .moz-text-html");
const known = pane.gEncryptionStatusForURI != null;
return { body: body ? body.textContent : null, encryption: known ? pane.gEncryptionStatus : null };
"""


def compose_window_ready(marionette):
    return marionette.execute(_COMPOSE_READY)


def send_now(marionette):
    marionette.execute(_SEND)


def main_window_ready(marionette):
    return marionette.execute(_MAIN_WINDOW_READY)


def show_folder(marionette, folder):
    marionette.execute(_SHOW_FOLDER, [folder])


def select_first_message(marionette):
    """False while the folder shows no message yet."""
    return marionette.execute(_SELECT_FIRST_MESSAGE)


def shown_message(marionette):
    """{"body": what the message pane shows or None, "encryption": status or None}."""
    return marionette.execute(_SHOWN_MESSAGE)


# How long a dialog may keep Marionette's scripts refused before it counts as
# an error: a PIN prompt is answered within milliseconds (pin_prompts).
DIALOG_PATIENCE = 5.0


def wait_until(prompts, done, timeout, what):
    """Polls done() until it returns a truthy value, which is returned. Fails on
    timeout, or when Thunderbird shows a dialog other than a PIN prompt."""
    deadline = time.monotonic() + timeout
    refused_since = None
    while True:
        try:
            prompts.update()
            value = done()
            refused_since = None
        except MarionetteError as error:
            if error.error != "unexpected alert open":
                raise
            refused_since = refused_since or time.monotonic()
            if time.monotonic() - refused_since > DIALOG_PATIENCE:
                raise MarionetteError("Thunderbird shows a dialog: %r" % error.data.get("text")) from None
            value = None
        if value:
            return value
        if prompts.other_dialogs:
            raise MarionetteError("Thunderbird showed a dialog: %r" % prompts.other_dialogs)
        if time.monotonic() > deadline:
            raise MarionetteError("timed out after %gs waiting for %s" % (timeout, what))
        time.sleep(0.1)
