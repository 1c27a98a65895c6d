"""The policy office's review console (see channel.py) on Rasa's SQL event broker (broker.py).

credentials.yml: ``bot.channels.review.ReviewInput`` (token from REVIEW_TOKEN);
endpoints.yml: ``event_broker: type: bot.channels.review.broker.ReviewEventBroker``.
"""

from bot.channels.review.channel import ReviewInput

__all__ = ["ReviewInput"]
