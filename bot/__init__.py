"""Tanya BPJS Telegram bot: answers BPJS questions by quoting the index (`python -m bot --help`).

Layout: `app` wires the Application; `handlers/` react to messages, commands, buttons and inline
queries; `answer` turns a question into a reply (`reply` renders it, `language` detects the
language); `store` logs questions and feedback; `live_index` hot-reloads the index.
"""
