"""The embed's speed: from the moment a city's page starts loading to the first vote possible
in the conversation's frame (goal ≤ 1 s on this machine).

    .venv/bin/python benchmarks/embed.py [--runs 10]

Starts `listening serve` (the server `make run` starts) on a fresh SQLite database with one
embeddable conversation, serves the browser tests' host page (tests/browser/embed_host) from a
second local server on another origin, and opens it in Debian's chromium (Playwright), each
run in a fresh browser context (empty cache, as a first visit). Measured in the browser:
from the host page's navigation start (its ``performance.timeOrigin``) to the frame's
DOMContentLoaded (the voting card drawn and its scripts run), and to the moment Playwright
sees the Agree button enabled (wall clock). Prints the first run and the median and max of
the others.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.embed_host.host import CONVERSATION_SCRIPT, host_site  # noqa: E402
from tests.served import served  # noqa: E402

SLUG = "bench-embed"
FRAME_READY = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + nav.domContentLoadedEventEnd;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as folder,
        served(Path(folder)) as server,
        host_site(server.url, SLUG) as port,
        sync_playwright() as playwright,
    ):
        host = f"http://localhost:{port}"
        server.manage(
            "shell",
            "-c",
            CONVERSATION_SCRIPT.format(slug=SLUG, origins=host, secret="b" * 40),
        )
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        in_browser: list[float] = []
        wall: list[float] = []
        for _ in range(args.runs + 1):
            context = browser.new_context()
            page = context.new_page()
            start = time.perf_counter()
            page.goto(f"{host}/", wait_until="commit")
            agree = page.frame_locator("iframe.listening-embed").get_by_role(
                "button", name="D'accord", exact=True
            )
            agree.wait_for(timeout=30_000)
            assert agree.is_enabled()
            wall.append((time.perf_counter() - start) * 1000)
            frame = next(f for f in page.frames if f.url.startswith(server.url))
            frame.wait_for_load_state("domcontentloaded")
            ready = frame.evaluate(FRAME_READY)
            in_browser.append(ready - page.evaluate("() => performance.timeOrigin"))
            context.close()
        browser.close()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"first run (server cold): {in_browser[0]:.0f} ms to the frame's DOMContentLoaded, "
        f"{wall[0]:.0f} ms to the Agree button (wall clock)"
    )
    rest_b, rest_w = in_browser[1:], wall[1:]
    print(
        f"next {len(rest_b)} runs: median {statistics.median(rest_b):.0f} ms "
        f"(max {max(rest_b):.0f}) to DOMContentLoaded; median {statistics.median(rest_w):.0f} ms "
        f"(max {max(rest_w):.0f}) to the Agree button; goal ≤ 1000 ms"
    )


if __name__ == "__main__":
    main()
