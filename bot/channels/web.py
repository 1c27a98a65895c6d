"""Website help widget: GET /webhooks/web/ (demo page), /webhooks/web/widget.js (the
embeddable script), its CSS, the vendored socket.io client, and /webhooks/web/articles.json
(the policy articles the widget shows behind each citation).

This channel carries no messages: the widget talks to Rasa's built-in socket.io channel
(`socketio:` in credentials.yml, path /socket.io). It only serves files, read from
`bot/web/static/` by an explicit list — nothing else on disk is reachable.

Embed on any page:
    <script src="https://HOST/webhooks/web/widget.js" data-server="https://HOST"></script>

Rasa 3.6.21's socket.io channel needs a fix to deliver replies with `session_persistence`;
bot/runtime.py installs it at start-up (`fix_socketio_session_rooms`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# The files a browser may fetch, by URL name (nothing else under STATIC or elsewhere).
ASSETS = ("index.html", "widget.js", "widget.css", "vendor/socket.io.min.js")


def articles_payload() -> Dict[str, Any]:
    """The knowledge base's articles, straight from rules_engine (single source)."""
    from rules_engine.knowledge import iter_articles
    from rules_engine.loader import short_name

    items = list(iter_articles())
    docs = {doc: short_name(doc) for doc in dict.fromkeys(a["doc"] for a in items)}
    return {"docs": docs, "articles": [{"doc": a["doc"], "article": a["article"], "text": a["text"]} for a in items]}


class WebWidgetInput(InputChannel):
    """Mounted by credentials.yml as `bot.channels.web.WebWidgetInput` (after `socketio:`)."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebWidgetInput":
        return cls()

    def __init__(self) -> None:
        self._articles: Optional[bytes] = None

    def articles_json(self) -> bytes:
        if self._articles is None:
            self._articles = json.dumps(articles_payload(), ensure_ascii=False).encode("utf-8")
        return self._articles

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("web_widget", __name__)

        def asset(name: str) -> HTTPResponse:
            path = STATIC / name
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            if name != "index.html":
                headers["Access-Control-Allow-Origin"] = "*"  # embeddable from any site
            return response.raw(
                path.read_bytes(),
                headers=headers,
                content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
            )

        @bp.route("/", methods=["GET"])
        async def index(request: Request) -> HTTPResponse:
            return asset("index.html")

        @bp.route("/articles.json", methods=["GET"])
        async def articles(request: Request) -> HTTPResponse:
            return response.raw(
                self.articles_json(),
                content_type="application/json; charset=utf-8",
                headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=300"},
            )

        @bp.route("/<name:path>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name in ("", "index.html"):
                return asset("index.html")
            if name not in ASSETS:
                return response.text("not found", status=404)
            return asset(name)

        return bp
