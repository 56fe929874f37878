"""The token never reaches the logs, not even inside URLs or tracebacks."""

import logging

from bot.logs import REDACTED, RedactSecrets, setup_logging

TOKEN = "123456789:AAH-test-token-not-real-0123456789abcd"


def test_redaction_covers_messages_arguments_and_tracebacks(capsys):
    setup_logging("INFO", secrets=[TOKEN, "webhook-secret-xyz"])
    log = logging.getLogger("test.redaction")
    log.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("secret header %s", "webhook-secret-xyz")
    log.info("a token not configured here: 987654321:ZZZ-another-token-that-looks-real-99")
    try:
        raise ValueError(f"The token `{TOKEN}` was rejected by the server.")
    except ValueError:
        log.exception("startup failed")
    err = capsys.readouterr().err
    assert TOKEN not in err and "webhook-secret-xyz" not in err and "ZZZ-another" not in err
    assert err.count(REDACTED) >= 4 and "Traceback" in err


def test_http_request_logs_are_quiet():
    setup_logging("DEBUG", secrets=[TOKEN])
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


def test_filter_keeps_other_text():
    assert RedactSecrets(["s3cr3t"]).redact("no secrets here: 5,7% iuran") == "no secrets here: 5,7% iuran"


async def test_debug_logs_of_raw_updates_mask_personal_data(harness, capsys):
    setup_logging("DEBUG", secrets=[])
    await harness.text("nama saya Siti Aminah, email siti@example.com, NIK 3201234567890001, apa itu JKP?", user_id=987654321)
    err = capsys.readouterr().err
    assert "DEBUG" in err  # python-telegram-bot did log the update and the API calls
    for personal in ("Siti", "siti@example.com", "3201234567890001", "987654321", "Budi"):
        assert personal not in err, personal
