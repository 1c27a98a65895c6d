"""Small helpers shared by the WeChat modules."""
from __future__ import annotations

import hashlib
from typing import Optional, Text


def openid_hash(openid: Optional[Text]) -> Text:
    """Short, stable pseudonym for an OpenID, so logs can correlate a follower without
    storing the identifier itself."""
    if not openid:
        return "-"
    return hashlib.sha256(openid.encode("utf-8")).hexdigest()[:12]
