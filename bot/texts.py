"""Every user-facing string of the bot, in Indonesian and English.

Strings are Telegram HTML written by this project (safe as they are); values put into them
with `t(...)` must already be escaped by the caller. English framing is used for English
questions; every other language gets the Indonesian text.
"""

from __future__ import annotations

EXAMPLES = ("apa itu JKP?", "berapa iuran JHT?", "cara klaim JHT setelah resign", "apakah JKN menanggung persalinan?")


_EXAMPLE_LIST = "\n".join(f"• <i>{e}</i>" for e in EXAMPLES)

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "lead": "🔎 Tentang “<i>{question}</i>”, ini kutipan dari sumber:",
        "lead_more": "🔎 Kutipan lain tentang “<i>{question}</i>”:",
        "footer": "ℹ️ Ini kutipan dokumen, bukan keputusan resmi. Untuk kasus Anda, hubungi {channels}.",
        "channel_tk": '<b>BPJS Ketenagakerjaan</b>: telepon 175, <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>',
        "channel_kes": '<b>BPJS Kesehatan</b>: Care Center 165, <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>',
        "channels_joiner": " atau ",
        "no_answer": (
            "🤔 Maaf, saya belum menemukan jawaban yang cukup yakin untuk “<i>{question}</i>” di sumber"
            " yang saya punya."
        ),
        "no_answer_logged": "Pertanyaan ini sudah dicatat agar pengelola bisa melengkapinya.",
        "no_answer_topics": "Mungkin salah satu topik ini membantu:",
        "no_answer_channels": "Untuk jawaban pasti, hubungi {channels}.",
        "other_language": (
            "🌐 Saya memahami pertanyaan dalam Bahasa Indonesia dan Inggris, dan menjawab dengan"
            " kutipan dokumen berbahasa Indonesia.\n"
            "I understand questions in Indonesian and English and answer with quotes from"
            " Indonesian documents. Contoh / example: <i>apa itu JKP?</i>"
        ),
        "source_line": "📄 <b>{title}</b>{date}",
        "superseded": "⚠️ <b>Aturan lama</b>: sudah tidak berlaku, diganti aturan yang lebih baru.",
        "source_label": "Sumber",
        "link_label": "tautan",
        "button_more": "Jawaban lain",
        "button_sources": "Sumber",
        "sources_header": "📚 <b>Sumber kutipan</b>",
        "source_section": "Bagian",
        "source_program": "Program",
        "source_basis": "Dasar / sumber",
        "source_date": "Berlaku per",
        "source_missing": "Dokumen ini sudah tidak ada di indeks terbaru.",
        "no_more": "Tidak ada kutipan lain untuk pertanyaan ini.",
        "expired": "Pertanyaan ini sudah tidak tersedia. Silakan kirim ulang pertanyaannya.",
        "feedback_thanks": "Terima kasih atas masukannya! 🙏",
        "start": (
            "Halo! Saya <b>Tanya BPJS</b> 👋\n"
            "Tanyakan apa saja tentang BPJS Ketenagakerjaan (JHT, JKK, JKM, JP, JKP) dan BPJS"
            " Kesehatan (JKN-KIS). Saya menjawab dengan <b>mengutip dokumen sumber</b>, lengkap"
            " dengan tautannya, tanpa mengarang.\n\n"
            "Contoh pertanyaan:\n" + _EXAMPLE_LIST + "\n\n"
            "Lihat juga /topik, /tentang dan /help."
        ),
        "help": (
            "<b>Cara bertanya</b>\n"
            "• Di chat pribadi: ketik saja pertanyaannya, misalnya <i>berapa iuran JHT?</i>\n"
            "• Di grup: <code>/tanya pertanyaan Anda</code>, sebut {mention}, atau balas pesan saya.\n"
            "• Di chat mana pun: ketik <code>{mention} pertanyaan</code> lalu pilih kutipannya.\n\n"
            "Tombol di bawah jawaban: <b>Jawaban lain</b> (kutipan berikutnya), 👍/👎 (masukan),"
            " <b>Sumber</b> (detail dokumen).\n\n"
            "Perintah: /topik daftar topik, /tentang isi indeks.\n"
            "Jawaban saya adalah kutipan, bukan keputusan resmi BPJS."
        ),
        "usage_tanya": "Tulis pertanyaan setelah perintahnya, misalnya:\n<code>/tanya apa itu JKP?</code>",
        "usage_mention": "Ya? Tulis pertanyaan Anda, misalnya: <i>{mention} apa itu JKP?</i>",
        "topics": "📂 <b>Topik yang saya kenal</b> (ketuk untuk melihat kutipannya):",
        "topic_question": "apa itu {label}?",
        "about": (
            "ℹ️ <b>Tentang indeks</b>\n"
            "{documents} dokumen, {passages} kutipan.\n"
            "Dibangun: {built_at}\n"
            "Model: <code>{model}</code>\n"
            "Topik: {topics}\n\n"
            "Setiap jawaban adalah kutipan dokumen dengan sumbernya; bot ini tidak mengarang jawaban."
        ),
        "admin_only": "Perintah ini hanya untuk admin.",
        "reload_done": "✅ Indeks dimuat ulang: {documents} dokumen, {passages} kutipan (dibangun {built_at}).",
        "reload_failed": "⚠️ Gagal memuat indeks baru; indeks lama tetap dipakai.\n<code>{error}</code>",
        "stats": (
            "📊 <b>Statistik</b>\n"
            "Pertanyaan: {questions}\n"
            "Terjawab: {answered} ({share})\n"
            "Masukan: 👍 {helpful} · 👎 {unhelpful}\n"
            "Belum terjawab (terbanyak):\n{unanswered}"
        ),
        "stats_none": "—",
        "rate_limited": (
            "🙏 Pelan-pelan ya. Anda sudah mengirim {limit} pertanyaan dalam {window} detik terakhir;"
            " coba lagi sebentar lagi."
        ),
        "non_text": "Saya hanya bisa membaca pertanyaan berupa teks. Ketik pertanyaan Anda, misalnya: <i>apa itu JKP?</i>",
        "unknown_command": "Perintah itu tidak saya kenal. Lihat /help.",
        "maintenance": "🛠️ Layanan sedang dalam pemeliharaan. Silakan coba lagi beberapa menit lagi.",
        "error": "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi.",
        "inline_topic": "Ketuk untuk membagikan kutipan tentang topik ini",
        "inline_none_title": "Belum ada jawaban yang yakin",
        "inline_none_description": "Coba kata lain, atau hubungi kanal resmi BPJS",
        "inline_busy_title": "Sedang sibuk, coba lagi",
        "inline_busy_description": "Pencarian belum selesai; ketik ulang sebentar lagi",
    },
    "en": {
        "lead": "🔎 On “<i>{question}</i>”, here is what the sources say (quoted in Indonesian):",
        "lead_more": "🔎 More quotes on “<i>{question}</i>”:",
        "footer": "ℹ️ These are quotes from documents, not an official decision. For your own case, contact {channels}.",
        "channel_tk": '<b>BPJS Ketenagakerjaan</b>: phone 175, <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>',
        "channel_kes": '<b>BPJS Kesehatan</b>: Care Center 165, <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>',
        "channels_joiner": " or ",
        "no_answer": (
            "🤔 Sorry, I could not find a confident answer to “<i>{question}</i>” in my sources."
        ),
        "no_answer_logged": "The question has been logged so the maintainers can fill the gap.",
        "no_answer_topics": "Maybe one of these topics helps:",
        "no_answer_channels": "For a definite answer, contact {channels}.",
        "source_line": "📄 <b>{title}</b>{date}",
        "superseded": "⚠️ <b>Old rule</b>: no longer in force, replaced by a newer rule.",
        "source_label": "Source",
        "link_label": "link",
        "button_more": "More answers",
        "button_sources": "Sources",
        "sources_header": "📚 <b>Sources of the quotes</b>",
        "source_section": "Section",
        "source_program": "Programme",
        "source_basis": "Legal basis / source",
        "source_date": "Valid as of",
        "source_missing": "This document is no longer in the current index.",
        "no_more": "No more quotes for this question.",
        "expired": "This question is no longer available. Please send it again.",
        "feedback_thanks": "Thank you for the feedback! 🙏",
        "start": (
            "Hello! I am <b>Tanya BPJS</b> 👋\n"
            "Ask me about BPJS Ketenagakerjaan (JHT, JKK, JKM, JP, JKP) and BPJS Kesehatan (JKN-KIS)."
            " I answer by <b>quoting source documents</b> (in Indonesian), with their links, and never"
            " make answers up.\n\n"
            "Example questions:\n" + _EXAMPLE_LIST + "\n• <i>what is JHT?</i>\n\n"
            "See also /topik, /tentang and /help."
        ),
        "help": (
            "<b>How to ask</b>\n"
            "• In a private chat: just type the question, e.g. <i>how much is the JHT contribution?</i>\n"
            "• In groups: <code>/tanya your question</code>, mention {mention}, or reply to my message.\n"
            "• In any chat: type <code>{mention} question</code> and pick a quote.\n\n"
            "Buttons under an answer: <b>More answers</b>, 👍/👎 (feedback), <b>Sources</b> (document details).\n\n"
            "Commands: /topik topics, /tentang what the index holds.\n"
            "My answers are quotes, not official BPJS decisions."
        ),
        "usage_tanya": "Write the question after the command, e.g.:\n<code>/tanya what is JKP?</code>",
        "usage_mention": "Yes? Write your question, e.g.: <i>{mention} what is JKP?</i>",
        "topics": "📂 <b>Topics I know</b> (tap one to see quotes):",
        "topic_question": "apa itu {label}?",
        "about": (
            "ℹ️ <b>About the index</b>\n"
            "{documents} documents, {passages} passages.\n"
            "Built: {built_at}\n"
            "Model: <code>{model}</code>\n"
            "Topics: {topics}\n\n"
            "Every answer is a quote with its source; this bot does not write answers of its own."
        ),
        "admin_only": "This command is for admins only.",
        "reload_done": "✅ Index reloaded: {documents} documents, {passages} passages (built {built_at}).",
        "reload_failed": "⚠️ Could not load the new index; the old one stays in use.\n<code>{error}</code>",
        "stats": (
            "📊 <b>Statistics</b>\n"
            "Questions: {questions}\n"
            "Answered: {answered} ({share})\n"
            "Feedback: 👍 {helpful} · 👎 {unhelpful}\n"
            "Top unanswered:\n{unanswered}"
        ),
        "rate_limited": (
            "🙏 Easy there. You sent {limit} questions in the last {window} seconds; please try again"
            " in a moment."
        ),
        "non_text": "I can only read questions written as text. Type your question, e.g.: <i>what is JKP?</i>",
        "unknown_command": "I don't know that command. See /help.",
        "maintenance": "🛠️ The service is under maintenance. Please try again in a few minutes.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "inline_topic": "Tap to share quotes on this topic",
        "inline_none_title": "No confident answer yet",
        "inline_none_description": "Try other words, or contact the official BPJS channels",
        "inline_busy_title": "Busy, try again",
        "inline_busy_description": "The search did not finish in time; type again in a moment",
    },
}


def ui_language(code: str | None) -> str:
    """The language of the bot's own texts for a detected or Telegram language code."""
    return "en" if (code or "").lower().startswith("en") else "id"


def t(key: str, language: str | None = "id", **values: object) -> str:
    """One UI string in the user's language (Indonesian by default), with escaped values filled in."""
    table = TEXTS[ui_language(language)]
    template = table.get(key, TEXTS["id"][key])
    return template.format(**values) if values else template
