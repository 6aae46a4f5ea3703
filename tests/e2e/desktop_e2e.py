#!/usr/bin/env python3
"""End-to-end test of the desktop app through tauri-driver and WebKitWebDriver.

Drives the real debug binary with `--sandbox` (an in-process sandbox with demo
data) from a `mattermode://` link to a listed receipt, then checks that a second
launch forwards its link to the running instance. It then cancels that second
document at review and checks that no receipt was added, signs out, and signs
Lee's 83(b) election as Lee, who has no ESRA consent on record, through the
consent screen to a listed receipt. Standard library only: the W3C WebDriver
calls go through urllib to tauri-driver on 127.0.0.1.

Run it under a D-Bus session and a display, for example:

    dbus-run-session -- xvfb-run -a python3 tests/e2e/desktop_e2e.py

Environment:
    MATTER_SIGNER_DESKTOP_BIN   app binary (default: $CARGO_TARGET_DIR or target, debug)
    MATTER_SANDBOX_BROWSER_BIN  the sandbox's browser stand-in (same default directory)
    TAURI_DRIVER                tauri-driver (default: on PATH or ~/.cargo/bin)
    ARTIFACTS_DIR               screenshots go to $ARTIFACTS_DIR/desktop (default ci-artifacts)
"""

import base64
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIRST_LINK = "mattermode://sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder"
SECOND_LINK = os.environ.get(
    "E2E_SECOND_LINK",
    "mattermode://sign?document_id=doc_mutual_nda_globex&stakeholder_id=stk_jane_founder",
)
SECOND_DOCUMENT_ID = re.search(r"document_id=([a-z0-9_]+)", SECOND_LINK).group(1)
TYPED_NAME = "Jane Q. Founder"
# Sandbox seed users (README.md). Jane has ESRA consent on record, Lee has none.
JANE_CREDENTIALS = ("jane@acme.example", "jane-demo-password")
LEE_CREDENTIALS = ("lee@acme.example", "lee-demo-password")
LEE_LINK = "mattermode://sign?document_id=doc_83b_election_lee&stakeholder_id=stk_lee_employee"
LEE_DOCUMENT_ID = "doc_83b_election_lee"
LEE_TYPED_NAME = "Lee T. Employee"
CANCELLED_NOTICE = "Cancelled. Nothing was signed."
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
STEP_TIMEOUT = 30.0
REQUEST_TIMEOUT = 60.0
# Token prefixes that must never appear in an IPC payload: OAuth access tokens,
# authorization codes, signing-session tokens.
SECRET_PATTERN = re.compile(r"\b(oat|clk|sig)_[A-Za-z0-9]{6,}")


class StepFailed(AssertionError):
    pass


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))


def find_tool(env: str, name: str, default: Path) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value)
    on_path = shutil.which(name)
    if on_path and not default.exists():
        return Path(on_path)
    return default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebDriver:
    """A minimal W3C WebDriver client for the calls this test needs."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as error:
            raise StepFailed(f"WebDriver {method} {path} failed: {error.code} {error.read()[:500]!r}")
        except TimeoutError:
            raise StepFailed(f"WebDriver {method} {path} did not answer within {REQUEST_TIMEOUT:.0f} s")

    def wait_ready(self, deadline: float):
        while time.monotonic() < deadline:
            try:
                self.call("GET", "/status")
                return
            except (OSError, StepFailed):
                time.sleep(0.1)
        raise StepFailed("tauri-driver did not answer /status")

    def start(self, application: Path, args):
        capabilities = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": {"application": str(application), "args": args},
                }
            }
        }
        self.session = self.call("POST", "/session", capabilities)["sessionId"]

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}")
            finally:
                self.session = None

    def s(self, path: str) -> str:
        return f"/session/{self.session}{path}"

    def script(self, source: str, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": source, "args": list(args)})

    def find(self, xpath: str):
        found = self.call("POST", self.s("/elements"), {"using": "xpath", "value": xpath})
        return [element[ELEMENT_KEY] for element in found]

    def click(self, element: str):
        self.call("POST", self.s(f"/element/{element}/click"), {})

    def type(self, element: str, text: str):
        self.call("POST", self.s(f"/element/{element}/value"), {"text": text})

    def screenshot(self, path: Path):
        data = self.call("GET", self.s("/screenshot"))
        path.write_bytes(base64.b64decode(data))

    def wait_for(self, what: str, probe, timeout: float = STEP_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = probe()
            if last:
                return last
            time.sleep(0.2)
        body = self.script("return document.body ? document.body.innerText.slice(0, 1500) : ''")
        raise StepFailed(f"timed out after {timeout:.0f} s waiting for {what}; page text:\n{body}")

    def screen(self) -> str:
        return self.script("const app = document.getElementById('app'); return app ? app.dataset.screen || '' : ''")

    def wait_screen(self, name: str, timeout: float = STEP_TIMEOUT):
        self.wait_for(f"screen {name!r}", lambda: self.screen() == name, timeout)

    def button(self, label: str) -> str:
        found = self.find(f"//button[normalize-space()={json.dumps(label)}]")
        if not found:
            raise StepFailed(f"no button labelled {label!r}")
        return found[0]

    def text(self) -> str:
        return self.script("return document.body.innerText")

    def notice(self) -> str:
        return self.script("const notice = document.querySelector('.notice'); return notice ? notice.textContent : ''")

    def fact(self, label: str) -> str:
        """Returns the text of the `<dd>` after the `<dt>` labelled `label`, or ''."""
        return self.script(
            "for (const term of document.querySelectorAll('dt')) {"
            "  if (term.textContent.trim() === arguments[0] && term.nextElementSibling) {"
            "    return term.nextElementSibling.textContent.trim();"
            "  }"
            "}"
            "return '';",
            label,
        )

    def enabled_button(self, label: str) -> str:
        found = self.wait_for(
            f"the {label!r} button to be enabled",
            lambda: self.find(f"//button[normalize-space()={json.dumps(label)} and not(@disabled)]"),
        )
        return found[0]


class Run:
    def __init__(self):
        self.temp = Path(tempfile.mkdtemp(prefix="matter-desktop-e2e-"))
        self.artifacts = Path(os.environ.get("ARTIFACTS_DIR", REPO / "ci-artifacts")) / "desktop"
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.ipc_log = self.temp / "ipc.jsonl"
        self.binary = find_tool("MATTER_SIGNER_DESKTOP_BIN", "matter-signer-desktop", target_dir() / "debug" / "matter-signer-desktop")
        self.browser = find_tool("MATTER_SANDBOX_BROWSER_BIN", "matter-sandbox-browser", target_dir() / "debug" / "matter-sandbox-browser")
        self.credentials = self.temp / "sign-in-user"
        self.browser_wrapper = self.temp / "sandbox-browser"
        self.driver_bin = find_tool("TAURI_DRIVER", "tauri-driver", Path.home() / ".cargo" / "bin" / "tauri-driver")
        self.processes = []
        self.shots = 0

    def environment(self):
        env = dict(os.environ)
        home = self.temp / "home"
        for sub in ("", ".local/share", ".config", ".cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        env.update(
            {
                "HOME": str(home),
                "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "BROWSER": str(self.browser_wrapper),
                "MATTER_SIGNER_IPC_LOG": str(self.ipc_log),
                "RUST_LOG": env.get("RUST_LOG", "info"),
                # Software rendering under Xvfb; see docs/desktop.md.
                "WEBKIT_DISABLE_COMPOSITING_MODE": "1",
                "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
                "LIBGL_ALWAYS_SOFTWARE": "1",
            }
        )
        return env

    def write_browser_wrapper(self):
        """Writes the `$BROWSER` command: it runs the sandbox's browser stand-in with the
        email and password in `self.credentials`. The app's environment is fixed when
        tauri-driver starts it, so a file is how the test switches the signed-in user."""
        self.use_credentials(JANE_CREDENTIALS)
        self.browser_wrapper.write_text(
            "#!/bin/sh\n"
            f"{{ IFS= read -r MATTER_SANDBOX_EMAIL; IFS= read -r MATTER_SANDBOX_PASSWORD; }} < {shlex.quote(str(self.credentials))}\n"
            "export MATTER_SANDBOX_EMAIL MATTER_SANDBOX_PASSWORD\n"
            f'exec {shlex.quote(str(self.browser))} "$@"\n'
        )
        self.browser_wrapper.chmod(0o700)

    def use_credentials(self, credentials):
        email, password = credentials
        self.credentials.write_text(f"{email}\n{password}\n")

    def shot(self, driver: WebDriver, name: str):
        """Saves what the X display shows. WebKitWebDriver's screenshot command can
        hang under Xvfb, and a hung command blocks the session, so the display is
        captured with ImageMagick's `import`; WebDriver is used only without it."""
        self.shots += 1
        path = self.artifacts / f"{self.shots:02d}-{name}.png"
        importer = shutil.which("import")
        if importer:
            # The DOM can be ahead of the pixels; wait until WebKit has painted two
            # frames after the last change.
            driver.call(
                "POST",
                driver.s("/execute/async"),
                {
                    "script": "const done = arguments[arguments.length - 1];"
                    "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                    "args": [],
                },
            )
            try:
                subprocess.run(
                    [importer, "-window", "root", str(path)],
                    check=True,
                    timeout=STEP_TIMEOUT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except subprocess.CalledProcessError as error:
                raise StepFailed(f"import could not capture the display: {error.stderr.decode()[-500:]}")
        else:
            driver.screenshot(path)
        print(f"  screenshot {path}")

    def start_driver(self) -> WebDriver:
        for tool in (self.binary, self.browser, self.driver_bin):
            if not Path(tool).exists():
                raise StepFailed(f"{tool} not found; build it first (see docs/desktop.md)")
        self.write_browser_wrapper()
        port, native_port = free_port(), free_port()
        log = open(self.temp / "tauri-driver.log", "wb")
        driver_process = subprocess.Popen(
            [str(self.driver_bin), "--port", str(port), "--native-port", str(native_port)],
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(driver_process)
        driver = WebDriver(port)
        driver.wait_ready(time.monotonic() + STEP_TIMEOUT)
        return driver

    def cleanup(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)


def step(name: str):
    print(f"step: {name}", flush=True)


def read_packet_and_type_name(driver: WebDriver, typed_name: str):
    """Scrolls the review screen's packet to its end, which enables the name field,
    and types `typed_name` into it."""
    driver.script(
        "const pane = document.querySelector('.packet-pane');"
        "pane.scrollTop = pane.scrollHeight;"
        "document.querySelector('.packet-end').scrollIntoView({block: 'nearest'});"
    )
    name_input = driver.wait_for(
        "the typed-name field to be enabled",
        lambda: [e for e in driver.find("//input[@type='text' and starts-with(@id,'typed-name') and not(@disabled)]")],
    )[0]
    driver.type(name_input, typed_name)


def wait_for_saved_receipt(run: Run, driver: WebDriver, shot_name: str):
    driver.wait_screen("done", timeout=60)
    driver.wait_for("the saved-receipt message", lambda: "receipt is saved" in driver.text())
    run.shot(driver, shot_name)


def receipt_titles(driver: WebDriver):
    """Returns the titles on the receipts screen once its list has loaded."""
    driver.wait_screen("receipts")
    driver.wait_for(
        "the receipts list to load",
        lambda: re.fullmatch(
            r"No receipts yet\.|\d+ receipts?\.",
            driver.script("return document.querySelector('.results-status').textContent.trim()"),
        ),
    )
    return driver.script(
        "return Array.from(document.querySelectorAll('li.receipt-item .receipt-title'), (title) => title.textContent.trim())"
    )


def sign_from_link(run: Run, driver: WebDriver):
    step("link in: the request screen names the document")
    driver.wait_screen("request")
    driver.wait_for("the document id", lambda: "doc_board_consent_2026" in driver.text())
    run.shot(driver, "request")

    step("start: sign-in through the sandbox browser, then review")
    driver.click(driver.button("Review the document"))
    driver.wait_screen("review", timeout=90)

    step("review: packet and hash shown")
    text = driver.text()
    hashes = re.findall(r"\b[0-9a-f]{64}\b", text)
    if not hashes:
        raise StepFailed("no SHA-256 shown on the review screen")
    if "Disclosure packet" not in text:
        raise StepFailed("the disclosure packet heading is missing")
    run.shot(driver, "review")

    step("review: scroll the packet to its end, type the name")
    read_packet_and_type_name(driver, TYPED_NAME)
    run.shot(driver, "review-ready")

    step("sign: done screen")
    driver.click(driver.button("Sign"))
    wait_for_saved_receipt(run, driver, "done")

    step("library: the receipt is listed")
    driver.click(driver.button("All receipts"))
    driver.wait_screen("receipts")
    driver.wait_for("a receipt entry", lambda: driver.find("//li[contains(@class,'receipt-item')]"))
    run.shot(driver, "receipts")
    return receipt_titles(driver)


def second_launch_forwards(run: Run, driver: WebDriver):
    step("second launch: forwarded to the first instance")
    env = run.environment()
    started = time.monotonic()
    second = subprocess.run(
        [str(run.binary), "--sandbox", SECOND_LINK],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=STEP_TIMEOUT,
    )
    elapsed = time.monotonic() - started
    if second.returncode != 0:
        raise StepFailed(f"second launch exited {second.returncode}: {second.stdout.decode()[-2000:]}")
    print(f"  second launch exited 0 after {elapsed:.2f} s")
    driver.wait_screen("request")
    driver.wait_for(f"the forwarded document {SECOND_DOCUMENT_ID}", lambda: SECOND_DOCUMENT_ID in driver.text())
    run.shot(driver, "forwarded-link")


def cancel_at_review(run: Run, driver: WebDriver, titles_before):
    """Starts from the request screen the forwarded link left open."""
    step("cancel: the forwarded document reaches review")
    driver.click(driver.button("Review the document"))
    driver.wait_screen("review", timeout=90)
    document_id = driver.fact("Document ID")
    if document_id != SECOND_DOCUMENT_ID:
        raise StepFailed(f"the review screen shows document {document_id!r}, expected {SECOND_DOCUMENT_ID!r}")
    title = driver.fact("Title")
    if not title:
        raise StepFailed("the review screen shows no document title")

    step("cancel: the cancel control returns home with nothing signed")
    driver.click(driver.enabled_button("Cancel, do not sign"))
    driver.wait_screen("home")
    driver.wait_for("the cancel notice", lambda: driver.notice() == CANCELLED_NOTICE)
    run.shot(driver, "cancelled")

    step("cancel: the receipts library gains no receipt")
    driver.click(driver.button("All receipts"))
    titles_after = receipt_titles(driver)
    if titles_after != titles_before:
        raise StepFailed(f"the receipts library changed from {titles_before} to {titles_after} after a cancel")
    signed = [entry for entry in titles_after if title in entry]
    if signed:
        raise StepFailed(f"the cancelled document {title!r} has a receipt: {signed}")
    driver.click(driver.button("Back to home"))
    driver.wait_screen("home")


def sign_with_esra_consent(run: Run, driver: WebDriver):
    """Starts on the home screen with Jane signed in."""
    step("esra: sign out, switch the browser stand-in to Lee")
    driver.click(driver.button("Sign out"))
    driver.wait_for("the signed-out notice", lambda: driver.notice() == "Signed out.")
    driver.wait_for("the Sign in button", lambda: driver.find("//button[normalize-space()='Sign in']"))
    run.use_credentials(LEE_CREDENTIALS)

    step("esra: Lee's link opened from the home screen's link field")
    link_field = driver.find("//input[@type='text' and starts-with(@id,'link-field')]")
    if not link_field:
        raise StepFailed("the home screen has no signing-link field")
    driver.type(link_field[0], LEE_LINK)
    driver.click(driver.button("Open link"))
    driver.wait_screen("request")
    driver.wait_for(f"the document id {LEE_DOCUMENT_ID}", lambda: LEE_DOCUMENT_ID in driver.text())

    step("esra: sign-in as Lee, then review")
    driver.click(driver.button("Review the document"))
    driver.wait_screen("review", timeout=90)
    signed_in_as = driver.fact("Signed in as")
    if LEE_CREDENTIALS[0] not in signed_in_as:
        raise StepFailed(f"the review screen shows the signed-in user {signed_in_as!r}, expected {LEE_CREDENTIALS[0]}")
    title = driver.fact("Title")
    if not title:
        raise StepFailed("the review screen shows no document title")
    read_packet_and_type_name(driver, LEE_TYPED_NAME)
    driver.click(driver.enabled_button("Sign"))

    step("esra: the consent screen asks for consent")
    driver.wait_screen("esra", timeout=60)
    text = driver.text()
    if "Consumer disclosure" not in text:
        raise StepFailed("the consent screen shows no consumer disclosure")
    if LEE_TYPED_NAME not in text:
        raise StepFailed(f"the consent screen does not name {LEE_TYPED_NAME}")
    consent = driver.find("//button[normalize-space()='I consent']")
    if not consent:
        raise StepFailed("the consent screen has no 'I consent' button")
    if driver.script("return arguments[0].disabled", {ELEMENT_KEY: consent[0]}) is not True:
        raise StepFailed("'I consent' is enabled before the affirmation is ticked")
    run.shot(driver, "esra-consent")

    step("esra: affirm, consent, done")
    driver.click(driver.find("//input[@type='checkbox' and starts-with(@id,'esra-affirm')]")[0])
    driver.click(driver.enabled_button("I consent"))
    wait_for_saved_receipt(run, driver, "esra-done")

    step("esra: the 83(b) receipt is listed")
    driver.click(driver.button("All receipts"))
    titles = receipt_titles(driver)
    if not any(title in entry for entry in titles):
        raise StepFailed(f"no receipt titled {title!r} in the library: {titles}")
    run.shot(driver, "receipts-esra")


def check_ipc_log(run: Run):
    step("IPC payloads carry no token")
    if not run.ipc_log.exists():
        raise StepFailed(f"no IPC log at {run.ipc_log}; was MATTER_SIGNER_IPC_LOG passed through?")
    log = run.ipc_log.read_text()
    names = {json.loads(line)["name"] for line in log.splitlines()}
    expected_names = (
        "link://opened",
        "flow://sign-in",
        "flow://review",
        "flow://done",
        "list_receipts",
        "sign_out",
        "flow://esra",
        "submit_esra",
    )
    for expected in expected_names:
        if expected not in names:
            raise StepFailed(f"the IPC log has no {expected} payload; it holds {sorted(names)}")
    leaked = SECRET_PATTERN.findall(log)
    if leaked:
        raise StepFailed(f"the IPC log contains token-shaped values with prefixes {sorted(set(leaked))}")
    shutil.copy(run.ipc_log, run.artifacts / "ipc.jsonl")
    print(f"  {len(log.splitlines())} payloads checked")


def main() -> int:
    for variable in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        if not os.environ.get(variable):
            print(f"{variable} is not set; run under: dbus-run-session -- xvfb-run -a {sys.argv[0]}", file=sys.stderr)
            return 2
    run = Run()
    driver = None
    try:
        driver = run.start_driver()
        driver.start(run.binary, ["--sandbox", FIRST_LINK])
        titles = sign_from_link(run, driver)
        second_launch_forwards(run, driver)
        cancel_at_review(run, driver, titles)
        sign_with_esra_consent(run, driver)
        check_ipc_log(run)
        print("desktop end-to-end: passed")
        return 0
    except (StepFailed, subprocess.TimeoutExpired) as failure:
        print(f"desktop end-to-end: FAILED: {failure}", file=sys.stderr)
        if driver and driver.session:
            try:
                run.shot(driver, "failure")
            except StepFailed:
                pass
        for log in ("tauri-driver.log",):
            path = run.temp / log
            if path.exists():
                shutil.copy(path, run.artifacts / log)
        return 1
    finally:
        if driver:
            try:
                driver.quit()
            except StepFailed as error:
                print(f"could not end the WebDriver session: {error}", file=sys.stderr)
        run.cleanup()
        shutil.rmtree(run.temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
