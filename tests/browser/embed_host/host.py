"""A city's website for the embed's browser tests and benchmark: ``index.html`` served by a
second local HTTP server (another origin than the app), its placeholders filled in."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = Path(__file__).with_name("index.html")

# Run by `listening shell -c` against the served app: one open conversation that the given
# origins may embed, with a secret for signed xids. Format with slug, origins, secret.
CONVERSATION_SCRIPT = """
import datetime as dt
from django.utils import timezone
from listening.conversations.models import Conversation
from listening.conversations.services import statement_seed
conversation = Conversation.objects.create(slug={slug!r}, topic="What makes a street healthy?",
    topic_fr="Qu'est-ce qui rend une rue saine ?", moderation="post", languages=["en", "fr"],
    opens_at=timezone.now() - dt.timedelta(days=1), embed_allowed=True,
    embed_origins={origins!r}, embed_show_results=True, xid_secret={secret!r})
for text in ("More shade in every street.", "Free bus passes for students.",
             "Close the city centre to cars on Sundays."):
    statement_seed(conversation=conversation, text=text, actor=None)
print(conversation.pk)
"""


@contextmanager
def host_site(app: str, slug: str, xid: str = "", signature: str = "") -> Iterator[int]:
    """Serve the host page on a free port of 127.0.0.1 (open it as http://localhost:<port>,
    another site than the app's 127.0.0.1); yields the port."""
    attributes = (
        f'data-xid="{html.escape(xid)}" data-xid-signature="{html.escape(signature)}"'
        if xid
        else ""
    )
    body = (
        PAGE.read_text()
        .replace("__APP__", app)
        .replace("__SLUG__", html.escape(slug))
        .replace("__XID__", attributes)
        .encode()
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            if self.path.split("?")[0] not in ("/", "/index.html"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
