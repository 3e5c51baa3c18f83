"""A W3C WebDriver client over httpx for the page tests: Debian's chromedriver driving headless
Chromium (scripts/chromium.sh installs both), so a test can click a button and read the page after
the page's own script has run."""

from __future__ import annotations
import subprocess
import time
from pathlib import Path
import httpx
from conftest import CHROMIUM, free_port, unavailable

CHROMEDRIVER = Path("/usr/bin/chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element reference key


class Browser:
    def __init__(self, profile: Path) -> None:
        if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
            unavailable("chromium or chromedriver is absent: run scripts/chromium.sh")
        port = free_port()
        self.process = subprocess.Popen([str(CHROMEDRIVER), f"--port={port}"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        for _ in range(100):
            try:
                if self.http.get("/status").json()["value"]["ready"]:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        options = {"binary": str(CHROMIUM), "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,1000"]}
        session = self._call("POST", "/session",
                             {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}})
        self.session = f"/session/{session['sessionId']}"

    def _call(self, method: str, path: str, body: dict | None = None):
        r = self.http.request(method, path, json=body)
        value = r.json()["value"]
        assert r.status_code == 200, value
        return value

    def open(self, url: str) -> None:
        self._call("POST", f"{self.session}/url", {"url": url})

    def click(self, css: str) -> None:
        element = self._call("POST", f"{self.session}/element", {"using": "css selector", "value": css})
        self._call("POST", f"{self.session}/element/{element[ELEMENT]}/click", {})

    def script(self, source: str):
        return self._call("POST", f"{self.session}/execute/sync", {"script": source, "args": []})

    def wait_for(self, source: str, timeout: float = 30.0):
        """Poll a script until it returns a true value; that value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.script(source)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for: {source}")

    def html(self) -> str:
        return self._call("GET", f"{self.session}/source")

    def close(self) -> None:
        try:
            self._call("DELETE", self.session)
        finally:
            self.http.close()
            self.process.terminate()
            self.process.wait(timeout=10)
