"""Thunderbird's PIN prompts, answered as a user would, and remembered.

NSS asks for a token's PIN through a commonDialog.xhtml window (prompt type
"promptPassword") whose #infoBody names the token. An observer installed in
Thunderbird sees every such dialog as it opens ("common-dialog-loaded"),
records its text, and answers it at once: the PIN typed and OK pressed if it
names the token that holds the key, Cancel otherwise (a user who knows no PIN
for that token; typing this one there could cost it a try). It must be done
from inside: while a dialog tied to the main window is open, Marionette refuses
every script (UnexpectedAlertOpen), so a poll from outside could not answer it.
Any other dialog (an error alert, say) is recorded and left open.
"""

# Installs the observer once per session; the PIN stays in Thunderbird's memory.
_INSTALL = """
const [pin, token] = arguments;
// Kept in a pref: it outlives any window (a compose window closes after sending).
const seen = { prompts: [], others: [] };
const record = () => Services.prefs.setStringPref("carta.test.dialogs", JSON.stringify(seen));
record();
Services.obs.addObserver(dialogWindow => {
  const doc = dialogWindow.document;
  const text = doc.getElementById("infoBody").textContent.trim();
  if (dialogWindow.args?.promptType != "promptPassword") {
    seen.others.push(text);
    record();
    return;
  }
  seen.prompts.push(text);
  record();
  const dialog = doc.getElementById("commonDialog");
  // After the notification returns, as a user's typing would be.
  dialogWindow.setTimeout(() => {
    if (text.includes(token)) {
      doc.getElementById("password1Textbox").value = pin;
      dialog.acceptDialog();
    } else {
      dialog.cancelDialog();
    }
  });
}, "common-dialog-loaded");
"""

_SEEN = 'return JSON.parse(Services.prefs.getStringPref("carta.test.dialogs"));'


class PinPrompts:
    def __init__(self, marionette, token, pin):
        self._marionette = marionette
        self._token = token
        marionette.execute(_INSTALL, [pin, token])
        self.texts = []  # every PIN prompt, in order
        self.other_dialogs = []

    def update(self):
        seen = self._marionette.execute(_SEEN)
        self.texts, self.other_dialogs = seen["prompts"], seen["others"]

    def naming_other_tokens(self):
        return [text for text in self.texts if self._token not in text]
