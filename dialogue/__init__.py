"""What the assistant asks and says, whoever asks: the action server (actions/) and the
channels that answer without it (the agent-assist API, bot/channels/assist.py; the review
console, bot/channels/review/). Slots ⇄ profile and the facts a parse states
(``profile_slots``), which question comes next (``questions``), a decision or a knowledge
answer → short Chinese messages (``replies``). Imports only the rules engine (and the NLU's
role name for conditions): no Rasa, no rasa_sdk, nothing of actions/ or the channels."""
