"""Review console for the policy office (人社局 staff who own the assistant).

  GET    /webhooks/review/                    the console page (bot/web/review/), public; it asks for the token
  GET    /webhooks/review/<asset>             review.js / review.css, public
  GET    /webhooks/review/chart.umd.min.js    the vendored Chart.js (bot/web/static/vendor/)
  GET    /webhooks/review/api/inbox           messages to review, newest first (?reason=, ?limit=, ?unreviewed=1)
  GET    /webhooks/review/api/vocabulary      intents, profile facts with their accepted values, region labels
  GET    /webhooks/review/api/annotations     every annotation
  POST   /webhooks/review/api/annotations     set one (bot/channels/review/annotations.py) → 200, or 400 naming the value
  DELETE /webhooks/review/api/annotations/<event_id>
  GET    /webhooks/review/api/figures         ?from=YYYY-MM-DD&to=YYYY-MM-DD → every table
  GET    /webhooks/review/api/figures/<table>.csv
  GET    /webhooks/review/api/export          the YAML `make review-export` would write (a preview)

Every /api/ route needs ``Authorization: Bearer <REVIEW_TOKEN>``; anything else gets 401
and nothing more. With REVIEW_TOKEN unset the API refuses every request (the page still
loads). The data come from the event broker configured in endpoints.yml
(bot/channels/review/broker.py), never from the tracker store; texts there are redacted and
sender ids are shown as hashes.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.review.annotations import AnnotationError, AnnotationStore, check
from bot.channels.review.broker import ROOT
from bot.channels.review.events import EventLog
from bot.channels.review.export import render
from bot.channels.review.figures import TABLES, RangeError, figures, to_csv
from bot.channels.review.inbox import REASONS, inbox
from rules_engine import vocabulary
from rules_engine.profile import accepted_values, label, schema

logger = logging.getLogger(__name__)

CONSOLE = ROOT / "bot" / "web" / "review"
VENDOR = ROOT / "bot" / "web" / "static" / "vendor"
ASSETS = {
    "review.js": (CONSOLE, "application/javascript; charset=utf-8"),
    "review.css": (CONSOLE, "text/css; charset=utf-8"),
    "chart.umd.min.js": (VENDOR, "application/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
MAX_LIMIT = 1000
# How the figures name a conversation's region (its ``region`` slot, the user's region: the
# labels the assistant says it back with), for the page's charts; ``unknown`` is the figures'
# own word for a conversation that never said one (bot/channels/review/figures.py).
REGION_LABELS = {
    **{region: vocabulary.region_label(region, "profile") for region in vocabulary.REGIONS},
    "unknown": "地区未知",
}
# Intents no training example can have: Rasa's own (back, session_start) and the fallback's.
NOT_TRAINABLE = {"back", "session_start", "nlu_fallback"}


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return response.json(
        body, status=status, headers=SECURITY_HEADERS, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _error(status: int, message: str) -> HTTPResponse:
    return _json({"error": message}, status)


class ReviewInput(InputChannel):
    """Mounted by credentials.yml as `bot.channels.review.ReviewInput`."""

    @classmethod
    def name(cls) -> Text:
        return "review"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ReviewInput":
        credentials = credentials or {}
        return cls(token=credentials.get("token") or os.environ.get("REVIEW_TOKEN"))

    def __init__(self, token: Optional[str]) -> None:
        if not token:
            logger.warning("review console: REVIEW_TOKEN is not set, its API refuses every request")
        self.token = token or ""
        self._log: Optional[EventLog] = None
        self._annotations: Optional[AnnotationStore] = None

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[len("Bearer ") :] if header.startswith("Bearer ") else ""
        return bool(self.token) and hmac.compare_digest(given.encode(), self.token.encode())

    def _stores(self, request: Request):
        """(event log, annotation store) on the agent's event broker, or (None, None)."""
        if self._log is None:
            agent = getattr(request.app.ctx, "agent", None)
            broker = getattr(getattr(agent, "tracker_store", None), "event_broker", None)
            engine = getattr(broker, "engine", None)
            if engine is None:
                return None, None
            self._log, self._annotations = EventLog(engine), AnnotationStore(engine)
        return self._log, self._annotations

    async def _refreshed(self, request: Request):
        log, annotations = self._stores(request)
        if log is not None:
            await request.app.loop.run_in_executor(None, log.refresh)
        return log, annotations

    @staticmethod
    async def _figures(request: Request, log: EventLog) -> Dict[str, Any]:
        start, end = request.args.get("from"), request.args.get("to")
        return await request.app.loop.run_in_executor(None, figures, log, start, end)

    @staticmethod
    def _intents(request: Request):
        agent = getattr(request.app.ctx, "agent", None)
        intents = list(agent.domain.intents) if agent is not None and agent.domain else []
        return [intent for intent in intents if intent not in NOT_TRAINABLE]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("review_webhook", __name__)

        @bp.middleware("request")
        async def require_token(request: Request) -> Optional[HTTPResponse]:
            if "/webhooks/review/api" in request.path and not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401, headers={"WWW-Authenticate": "Bearer"})
            return None

        def asset(name: str) -> HTTPResponse:
            folder, kind = ASSETS[name]
            return response.raw(
                (folder / name).read_bytes(),
                content_type=kind,
                headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
            )

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.raw(
                (CONSOLE / "index.html").read_bytes(),
                content_type="text/html; charset=utf-8",
                headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
            )

        @bp.route("/review.js", methods=["GET"])
        async def review_js(request: Request) -> HTTPResponse:
            return asset("review.js")

        @bp.route("/review.css", methods=["GET"])
        async def review_css(request: Request) -> HTTPResponse:
            return asset("review.css")

        @bp.route("/chart.umd.min.js", methods=["GET"])
        async def chart_js(request: Request) -> HTTPResponse:
            return asset("chart.umd.min.js")

        async def data_or_503(request: Request):
            try:
                log, annotations = await self._refreshed(request)
            except Exception as exc:  # the broker's database is down or unreadable
                logger.warning("review console: event database unavailable (%s: %s)", type(exc).__name__, exc)
                return None, None, _error(503, "事件库暂时无法读取，请稍后再试")
            if log is None:
                return None, None, _error(503, "没有配置事件代理（endpoints.yml 的 event_broker）")
            return log, annotations, None

        @bp.route("/api/inbox", methods=["GET"])
        async def get_inbox(request: Request) -> HTTPResponse:
            log, annotations, refusal = await data_or_503(request)
            if refusal:
                return refusal
            reason = request.args.get("reason")
            if reason and reason not in REASONS:
                return _error(400, f"未知的原因 {reason!r}；可接受：{'、'.join(REASONS)}")
            try:
                limit = min(int(request.args.get("limit", 200)), MAX_LIMIT)
            except ValueError:
                return _error(400, "limit 应为整数")
            unreviewed = request.args.get("unreviewed") in ("1", "true")
            done = await request.app.loop.run_in_executor(None, annotations.by_event)
            items = await request.app.loop.run_in_executor(
                None, lambda: inbox(log, done, limit=limit, reason=reason, include_reviewed=not unreviewed)
            )
            return _json(items)

        @bp.route("/api/vocabulary", methods=["GET"])
        async def vocabulary(request: Request) -> HTTPResponse:
            facts = {
                key: {
                    "label": label(key),
                    "type": spec["type"],
                    "values": list(accepted_values(key)),
                    "open": bool(spec.get("open")),
                }
                for key, spec in schema().items()
            }
            return _json(
                {"intents": self._intents(request), "facts": facts, "reasons": REASONS, "regions": REGION_LABELS}
            )

        @bp.route("/api/annotations", methods=["GET"])
        async def list_annotations(request: Request) -> HTTPResponse:
            _, annotations, refusal = await data_or_503(request)
            return refusal or _json(await request.app.loop.run_in_executor(None, annotations.all))

        @bp.route("/api/annotations", methods=["POST"])
        async def annotate(request: Request) -> HTTPResponse:
            log, annotations, refusal = await data_or_503(request)
            if refusal:
                return refusal
            try:
                body = request.json
            except Exception:
                return _error(400, "请求体不是有效的 JSON")
            event_id = body.get("event_id") if isinstance(body, dict) else None
            event = log.user_event(event_id) if isinstance(event_id, int) and not isinstance(event_id, bool) else None
            try:
                record = check(body, event, self._intents(request))
            except AnnotationError as err:
                return _error(400, str(err))
            try:
                saved = await request.app.loop.run_in_executor(None, annotations.save, record)
            except Exception as exc:
                logger.warning("review console: annotation not saved (%s: %s)", type(exc).__name__, exc)
                return _error(503, "标注暂时无法保存（事件库不可用），请稍后再试")
            return _json(saved)

        @bp.route("/api/annotations/<event_id:int>", methods=["DELETE"])
        async def unannotate(request: Request, event_id: int) -> HTTPResponse:
            _, annotations, refusal = await data_or_503(request)
            if refusal:
                return refusal
            found = await request.app.loop.run_in_executor(None, annotations.delete, event_id)
            return response.empty(status=204) if found else _error(404, f"消息 {event_id} 没有标注")

        @bp.route("/api/figures", methods=["GET"])
        async def get_figures(request: Request) -> HTTPResponse:
            log, _, refusal = await data_or_503(request)
            if refusal:
                return refusal
            try:
                return _json(await self._figures(request, log))
            except RangeError as err:
                return _error(400, str(err))

        @bp.route("/api/figures/<filename>", methods=["GET"])
        async def figures_csv(request: Request, filename: str) -> HTTPResponse:
            table = filename[: -len(".csv")] if filename.endswith(".csv") else ""
            if table not in TABLES:
                return _error(404, f"未知的表 {filename!r}；可选：{'、'.join(TABLES)}")
            log, _, refusal = await data_or_503(request)
            if refusal:
                return refusal
            try:
                result = await self._figures(request, log)
            except RangeError as err:
                return _error(400, str(err))
            name = f"review-{table}-{result['from']}-{result['to']}.csv"
            # BOM so that Excel opens the Chinese labels as UTF-8
            return response.raw(
                ("\ufeff" + to_csv(result["tables"][table])).encode("utf-8"),
                content_type="text/csv; charset=utf-8",
                headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
            )

        @bp.route("/api/export", methods=["GET"])
        async def export_preview(request: Request) -> HTTPResponse:
            _, annotations, refusal = await data_or_503(request)
            if refusal:
                return refusal
            text = render(await request.app.loop.run_in_executor(None, annotations.all))
            return response.text(text, headers=SECURITY_HEADERS, content_type="text/yaml; charset=utf-8")

        @bp.route("/api/<rest:path>", methods=["GET", "POST", "PUT", "DELETE"])
        async def unknown(request: Request, rest: str) -> HTTPResponse:
            return _error(404, f"未知的接口 /webhooks/review/api/{rest}")

        return bp
