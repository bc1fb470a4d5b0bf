"""A small Chrome DevTools Protocol client over `--remote-debugging-pipe`, for driving the HTML
viewer in headless Chromium: open a page, await a script's promise, emulate a dark system,
take a screenshot. One browser serves many checks.

Waiting on the page's own promises (Runtime.evaluate with awaitPromise) rather than on a
virtual-time budget: the viewer compiles WebAssembly in the background, which virtual time
does not wait for.

>>> with Browser(chromium_path) as browser:                              # doctest: +SKIP
...     browser.open(Path('page.html'))
...     browser.evaluate('1 + 1')
2
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]


def find_chromium():
    """The path of Chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium and one page in it, spoken to through a pipe."""

    def __init__(self, path, width=1400, height=900, timeout=60):
        self.path, self.width, self.height, self.timeout = path, width, height, timeout
        self.next_id, self.session, self.events = 0, None, []

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="graphlens-chromium-")
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()

        def pipes_at_3_and_4():
            # Chromium reads commands from fd 3 and writes replies to fd 4. Copied out of the
            # way first: either pipe end may itself be fd 3 or 4.
            reading, writing = os.dup(to_child), os.dup(from_child)
            os.dup2(reading, 3)
            os.dup2(writing, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        # close_fds=False: subprocess would close fds 3 and 4 after pipes_at_3_and_4 ran.
        # Python opens every other fd non-inheritable, so nothing else leaks into Chromium.
        self.process = subprocess.Popen(
            [self.path, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes_at_3_and_4, close_fds=False)
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                   "mobile": False})
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close", session=False)
        except (OSError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._write)
        os.close(self._read)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _message(self):
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        text, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(text)

    def send(self, method, params=None, session=True):
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event):
        while True:
            for number, seen in enumerate(self.events):
                if seen.get("method") == event:
                    del self.events[:number + 1]
                    return seen
            self.events.append(self._message())

    def open(self, page_file):
        """Load a page from a file and wait for its load event."""
        self.events.clear()
        self.send("Page.navigate", {"url": page_file.resolve().as_uri()})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression; a promise is awaited. A thrown error raises."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(details.get("exception", {}).get("description")
                               or details.get("text"))
        return result["result"].get("value")

    def color_scheme(self, scheme):
        """Emulate a system in `scheme` ('dark' or 'light') for prefers-color-scheme."""
        self.send("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def screenshot(self, path):
        """Save what the page shows as a PNG."""
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path
