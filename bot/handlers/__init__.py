"""Telegram handlers, grouped by what the user does: messages, commands, buttons, inline queries."""
