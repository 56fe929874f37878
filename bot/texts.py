"""Every user-facing string of the bot, in Indonesian and English.

Strings are Telegram HTML written by this project (safe as they are); values put into them
with `t(...)` must already be escaped by the caller. English framing is used for English
questions; every other language gets the Indonesian text.
"""

from __future__ import annotations

import re

EXAMPLES = ("apa itu JKP?", "berapa iuran JHT?", "cara klaim JHT setelah resign", "apakah JKN menanggung persalinan?")


_EXAMPLE_LIST = "\n".join(f"• <i>{e}</i>" for e in EXAMPLES)

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "lead_more": "🔎 Kutipan lain tentang “<i>{question}</i>”:",
        "footer": "ℹ️ Kutipan dokumen, bukan keputusan resmi. Untuk kasus Anda: {channels}.",
        "channel_tk_short": "BPJS Ketenagakerjaan, telepon 175",
        "channel_kes_short": "BPJS Kesehatan, Care Center 165",
        "button_contact": "☎️ Hubungi petugas",
        "contact_header": "☎️ <b>Hubungi petugas resmi</b> (gratis, tanpa calo; jangan berikan kata sandi atau kode OTP):",
        "contact_tk": (
            "<b>BPJS Ketenagakerjaan</b>\n• Call center 175\n• Email care@bpjsketenagakerjaan.go.id\n"
            "• Menu pengaduan di aplikasi JMO, atau kantor cabang\n"
            '• <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>'
        ),
        "contact_kes": (
            "<b>BPJS Kesehatan</b>\n• Care Center 165\n• WhatsApp PANDAWA 08118165165\n"
            "• Aplikasi Mobile JKN, atau kantor cabang\n"
            '• <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>'
        ),
        "contact_lapor": 'Bila pengaduan tidak ditanggapi: SP4N-LAPOR!, <a href="https://www.lapor.go.id">lapor.go.id</a> atau SMS 1708.',
        "channel_tk": '<b>BPJS Ketenagakerjaan</b>: telepon 175, <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>',
        "channel_kes": '<b>BPJS Kesehatan</b>: Care Center 165, <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>',
        "channels_joiner": " atau ",
        "no_answer": (
            "🤔 Maaf, saya belum menemukan jawaban yang cukup yakin untuk “<i>{question}</i>” di sumber"
            " yang saya punya."
        ),
        "no_answer_logged": "Pertanyaan ini sudah dicatat agar pengelola bisa melengkapinya.",
        "off_topic": (
            "🤔 Maaf, “<i>{question}</i>” sepertinya bukan soal program BPJS, jadi saya tidak bisa menjawabnya."
            " Saya hanya menjawab pertanyaan tentang BPJS Ketenagakerjaan (JHT, JKK, JKM, JP, JKP) dan BPJS"
            " Kesehatan (JKN-KIS), dengan kutipan dari sumbernya."
        ),
        "no_answer_topics": "Mungkin salah satu topik ini membantu:",
        "clarify": "🤔 “<i>{question}</i>” untuk program apa? Pilih salah satu:",
        "understood": "💬 Saya anggap pertanyaan ini tentang <b>{topic}</b>.",
        "no_answer_channels": "Untuk jawaban pasti, hubungi {channels}.",
        "other_language": (
            "🌐 Saya memahami pertanyaan dalam Bahasa Indonesia dan Inggris, dan menjawab dengan"
            " kutipan dokumen berbahasa Indonesia.\n"
            "I understand questions in Indonesian and English and answer with quotes from"
            " Indonesian documents. Contoh / example: <i>apa itu JKP?</i>"
        ),
        "source_line": "📄 <b>{title}</b>{date}{link}",
        "superseded": "⚠️ <b>Aturan lama</b>: sudah tidak berlaku, diganti aturan yang lebih baru.",
        "ended": "⚠️ <b>Aturan sementara</b>: berlaku sampai {date}, sudah berakhir.",
        "as_of": "per {date}",
        "link_label": "tautan",
        "button_more": "Jawaban lain",
        "button_sources": "Sumber",
        "sources_header": "📚 <b>Sumber kutipan</b>",
        "source_section": "Bagian",
        "source_program": "Program",
        "source_basis": "Dasar / sumber",
        "source_date": "Berlaku per",
        "source_until": "Berlaku sampai",
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
        # Hitung (bot/hitung.py): computed answers
        "hitung_menu": (
            "🧮 <b>Hitung</b>: mau menghitung apa? Pilih di bawah, lalu ketik angkanya.\n"
            "Atau tulis langsung, misalnya <i>gaji 6 juta potong bpjs berapa?</i>"
        ),
        "hitung_kind_iuran": "Potongan gaji karyawan",
        "hitung_kind_jkn_ppu": "JKN karyawan (gaji)",
        "hitung_kind_jkn_mandiri": "JKN mandiri (kelas)",
        "hitung_kind_bpu": "BPJS TK pekerja mandiri (BPU)",
        "hitung_kind_jkp": "Uang tunai JKP (PHK)",
        "hitung_kind_denda": "Denda rawat inap JKN",
        "hitung_kind_jht": "Klaim JHT sebagian",
        "hitung_kind_jkm": "Santunan kematian (JKM)",
        "hitung_ask_iuran_amount": "Berapa gaji (upah) sebulan? Tulis misalnya <i>6 juta</i> atau <i>Rp6.000.000</i>.",
        "hitung_ask_jkn_ppu_amount": "Berapa gaji sebulan? Tulis misalnya <i>6 juta</i>.",
        "hitung_ask_bpu_amount": "Berapa penghasilan sebulan yang dilaporkan? Tulis misalnya <i>3 juta</i>.",
        "hitung_ask_bpu_sektor": (
            "Apakah Anda bekerja di sektor transportasi (ojol, ojek, sopir, kurir)? Jawab <i>ya</i> atau"
            " <i>tidak</i>: keringanan iuran PP 50/2025 berbeda menurut sektor."
        ),
        "hitung_ask_jkp_amount": "Berapa upah terakhir sebelum PHK? Tulis misalnya <i>7 juta</i>.",
        "hitung_ask_denda_amount": "Berapa biaya rawat inapnya (tagihan rumah sakit)? Tulis misalnya <i>20 juta</i>.",
        "hitung_ask_denda_bulan": "Berapa bulan iuran tertunggak? Tulis misalnya <i>8 bulan</i>.",
        "hitung_ask_jht_amount": "Berapa saldo JHT Anda? Tulis misalnya <i>50 juta</i>.",
        "hitung_ask_jkn_mandiri_kelas": "Kelas berapa: 1, 2, atau 3? Boleh sekalian jumlah orangnya, misalnya <i>kelas 2, 4 orang</i>.",
        "hitung_ask_jkn_mandiri_orang": "Berapa orang anggota keluarga yang terdaftar? Tulis misalnya <i>4 orang</i>.",
        "hitung_ask_jkn_kind": (
            "Untuk karyawan, iuran JKN dihitung dari gaji; untuk peserta mandiri, dari kelasnya."
            " Sebutkan gajinya (misalnya <i>gaji 6 juta</i>) atau kelasnya (misalnya <i>kelas 2, 4 orang</i>)."
        ),
        "hitung_ask_kind": "Mau menghitung apa? Ketik /hitung untuk memilih, atau tulis misalnya <i>gaji 6 juta potong bpjs berapa?</i>",
        "hitung_as_of": "Tarif per {date}",
        "hitung_cap": "batas",
        "hitung_months": "bulan",
        "hitung_total": "Total",
        "hitung_total_received": "Total diterima",
        "hitung_total_penalty": "Total denda",
        "hitung_paid_by": "dibayar",
        "hitung_normal": "Iuran normal",
        "hitung_discounted": "Dibayar dengan keringanan",
        "hitung_payer_pekerja": "Pekerja (dipotong dari gaji)",
        "hitung_payer_pemberi_kerja": "Pemberi kerja",
        "hitung_payer_pemerintah": "Pemerintah",
        "hitung_payer_peserta": "Peserta",
        "hitung_payer_bpjs_tk": "Dibayar BPJS Ketenagakerjaan",
        "hitung_risk_default": "JKK dihitung dengan kelompok risiko 1 (sangat rendah); sebutkan risikonya bila berbeda, misalnya risiko sedang.",
        "hitung_basis": "📜 Dasar",
        "hitung_rule": "📖 Aturannya:",
        "hitung_footer": (
            "ℹ️ Perkiraan dari tabel tarif resmi, bukan tagihan atau keputusan BPJS. Untuk kasus Anda, hubungi "
            "BPJS Ketenagakerjaan (telepon 175) atau BPJS Kesehatan (Care Center 165)."
        ),
        "hitung_unavailable": "Kalkulator sedang tidak tersedia. Coba tanyakan dengan kata-kata, misalnya: berapa iuran JHT?",
        "hitung_unusable_number": "Angka itu belum bisa saya pakai.",
    },
    "en": {
        "lead_more": "🔎 More quotes on “<i>{question}</i>”:",
        "footer": "ℹ️ Quoted from Indonesian documents, not an official decision. For your own case: {channels}.",
        "channel_tk_short": "BPJS Ketenagakerjaan, phone 175",
        "channel_kes_short": "BPJS Kesehatan, Care Center 165",
        "button_contact": "☎️ Contact an officer",
        "contact_header": "☎️ <b>Official channels</b> (free, no middlemen; never give your password or OTP code):",
        "contact_tk": (
            "<b>BPJS Ketenagakerjaan</b>\n• Call center 175\n• Email care@bpjsketenagakerjaan.go.id\n"
            "• Complaint menu in the JMO app, or a branch office\n"
            '• <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>'
        ),
        "contact_kes": (
            "<b>BPJS Kesehatan</b>\n• Care Center 165\n• WhatsApp PANDAWA 08118165165\n"
            "• Mobile JKN app, or a branch office\n"
            '• <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>'
        ),
        "contact_lapor": 'If a complaint gets no response: SP4N-LAPOR!, <a href="https://www.lapor.go.id">lapor.go.id</a> or SMS 1708.',
        "channel_tk": '<b>BPJS Ketenagakerjaan</b>: phone 175, <a href="https://www.bpjsketenagakerjaan.go.id">bpjsketenagakerjaan.go.id</a>',
        "channel_kes": '<b>BPJS Kesehatan</b>: Care Center 165, <a href="https://www.bpjs-kesehatan.go.id">bpjs-kesehatan.go.id</a>',
        "channels_joiner": " or ",
        "no_answer": (
            "🤔 Sorry, I could not find a confident answer to “<i>{question}</i>” in my sources."
        ),
        "no_answer_logged": "The question has been logged so the maintainers can fill the gap.",
        "off_topic": (
            "🤔 Sorry, “<i>{question}</i>” does not seem to be about a BPJS programme, so I cannot answer it."
            " I only answer questions about BPJS Ketenagakerjaan (JHT, JKK, JKM, JP, JKP) and BPJS Kesehatan"
            " (JKN-KIS), quoting their sources."
        ),
        "no_answer_topics": "Maybe one of these topics helps:",
        "clarify": "🤔 Which programme is “<i>{question}</i>” about? Pick one:",
        "understood": "💬 I take this question to be about <b>{topic}</b>.",
        "no_answer_channels": "For a definite answer, contact {channels}.",
        "source_line": "📄 <b>{title}</b>{date}{link}",
        "superseded": "⚠️ <b>Old rule</b>: no longer in force, replaced by a newer rule.",
        "ended": "⚠️ <b>Temporary rule</b>: in force until {date}, now ended.",
        "as_of": "as of {date}",
        "link_label": "link",
        "button_more": "More answers",
        "button_sources": "Sources",
        "sources_header": "📚 <b>Sources of the quotes</b>",
        "source_section": "Section",
        "source_program": "Programme",
        "source_basis": "Legal basis / source",
        "source_date": "Valid as of",
        "source_until": "Valid until",
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
        # Hitung (bot/hitung.py): computed answers
        "hitung_menu": (
            "🧮 <b>Hitung</b>: what should I compute? Pick below, then type the number.\n"
            "Or just ask, e.g. <i>how much is deducted from a 6 million salary for bpjs?</i>"
        ),
        "hitung_kind_iuran": "Employee salary deductions",
        "hitung_kind_jkn_ppu": "JKN for employees (salary)",
        "hitung_kind_jkn_mandiri": "JKN independent (class)",
        "hitung_kind_bpu": "Informal worker (BPU)",
        "hitung_kind_jkp": "JKP cash benefit (layoff)",
        "hitung_kind_denda": "JKN inpatient penalty",
        "hitung_kind_jht": "JHT partial claim",
        "hitung_kind_jkm": "Death benefit (JKM)",
        "hitung_ask_iuran_amount": "What is the monthly salary? Write e.g. <i>6 million</i> or <i>Rp6.000.000</i>.",
        "hitung_ask_jkn_ppu_amount": "What is the monthly salary? Write e.g. <i>6 million</i>.",
        "hitung_ask_bpu_amount": "What monthly income is declared? Write e.g. <i>3 million</i>.",
        "hitung_ask_bpu_sektor": (
            "Do you work in transport (online motorbike taxi, driver, courier)? Answer <i>yes</i> or <i>no</i>:"
            " the PP 50/2025 contribution relief depends on the sector."
        ),
        "hitung_ask_jkp_amount": "What was the last wage before the layoff? Write e.g. <i>7 million</i>.",
        "hitung_ask_denda_amount": "What is the inpatient bill? Write e.g. <i>20 million</i>.",
        "hitung_ask_denda_bulan": "How many months of contributions are unpaid? Write e.g. <i>8 months</i>.",
        "hitung_ask_jht_amount": "What is your JHT balance? Write e.g. <i>50 million</i>.",
        "hitung_ask_jkn_mandiri_kelas": "Which class: 1, 2 or 3? You can add the number of people, e.g. <i>class 2, 4 people</i>.",
        "hitung_ask_jkn_mandiri_orang": "How many family members are registered? Write e.g. <i>4 people</i>.",
        "hitung_ask_jkn_kind": (
            "For employees, JKN is computed from the salary; for independent members, from the class."
            " Give the salary (e.g. <i>salary 6 million</i>) or the class (e.g. <i>class 2, 4 people</i>)."
        ),
        "hitung_ask_kind": "What should I compute? Type /hitung to choose, or write e.g. <i>how much bpjs is deducted from a 6 million salary?</i>",
        "hitung_as_of": "Rates as of {date}",
        "hitung_cap": "cap",
        "hitung_months": "months",
        "hitung_total": "Total",
        "hitung_total_received": "Total received",
        "hitung_total_penalty": "Total penalty",
        "hitung_paid_by": "paid by",
        "hitung_normal": "Normal contribution",
        "hitung_discounted": "Paid with the relief",
        "hitung_payer_pekerja": "Worker (deducted from salary)",
        "hitung_payer_pemberi_kerja": "Employer",
        "hitung_payer_pemerintah": "Government",
        "hitung_payer_peserta": "Member",
        "hitung_payer_bpjs_tk": "Paid by BPJS Ketenagakerjaan",
        "hitung_risk_default": "JKK is computed for risk group 1 (very low); mention the risk if it differs, e.g. medium risk.",
        "hitung_basis": "📜 Legal basis",
        "hitung_rule": "📖 The rule (quoted in Indonesian):",
        "hitung_footer": (
            "ℹ️ An estimate from the official rates table, not a BPJS bill or decision. For your own case, contact "
            "BPJS Ketenagakerjaan (phone 175) or BPJS Kesehatan (Care Center 165)."
        ),
        "hitung_unavailable": "The calculator is not available right now. Try asking in words, e.g.: how much is the JHT contribution?",
        "hitung_unusable_number": "I cannot use that number yet.",
    },
}

# The calculator's own labels and notes (index/hitung.py writes them in Indonesian) in English:
# (pattern, replacement) applied in order, whole sentences first, then phrases, then month names.
_EN_PHRASES: tuple[tuple[str, str], ...] = (
    # titles
    (r"^Iuran bulanan untuk upah ", "Monthly contributions for a wage of "),
    (r"^Iuran JKN pekerja penerima upah, gaji ", "JKN for an employee, salary "),
    (r"^Iuran JKN mandiri Kelas ", "JKN for independent members, Class "),
    (r"^Iuran BPU untuk penghasilan ", "BPU (informal worker) contributions for a declared income of "),
    (r"^Manfaat uang tunai JKP, upah terakhir ", "JKP cash benefit, last wage "),
    (r"^Denda pelayanan rawat inap JKN$", "JKN inpatient service penalty"),
    (r"^Klaim JHT sebagian dari saldo ", "JHT partial claim from a balance of "),
    (r"^Santunan Jaminan Kematian \(JKM\)$", "Death benefit (JKM)"),
    # notes
    (r"^Iuran JKP tidak dipotong dari gaji: (\S+) dibayar pemerintah pusat dan (\S+) diambil dari iuran JKK yang sudah dibayar pemberi kerja\.$",
     r"JKP is not deducted from the salary: \1 is paid by the central government and \2 comes out of the JKK contribution the employer already pays."),
    (r"^Iuran 5% sudah menanggung pekerja, suami/istri, dan paling banyak (\d+) anak\.$",
     r"The 5% covers the worker, spouse and at most \1 children."),
    (r"^Iuran (Kelas \w+) (Rp[\d.]+) per orang; peserta membayar (Rp[\d.]+)\.$", r"\1 contribution \2 per person; the member pays \3."),
    (r"^Iuran mandiri dihitung per orang untuk setiap anggota keluarga yang terdaftar\.$",
     "Independent contributions are per person, for every registered family member."),
    (r"^BPJS Ketenagakerjaan membulatkan penghasilan ke rentang tabel iuran BPU, jadi tagihan resmi bisa sedikit berbeda\.$",
     "BPJS Ketenagakerjaan rounds the income to the brackets of its BPU table, so the official bill may differ slightly."),
    (r"^Penghasilan yang dilaporkan juga menjadi dasar santunan JKK\.$", "The declared income is also the basis of JKK benefits."),
    (r"^Keringanan (\S+ \S+): (.*); tidak untuk peserta yang iurannya dibayar APBN/APBD, iuran JHT tidak didiskon\.",
     r"Relief under \1: \2; not for members whose contributions the state or regional budget pays; JHT is not discounted."),
    (r" Tanggal ini tidak termasuk: iuran normal\.$", " This date is outside it: normal contribution."),
    (r"di luar sektor transportasi untuk iuran ", "other sectors for contributions of "),
    (r"sektor transportasi untuk iuran ", "transport sector for contributions of "),
    (r"^Uang tunai JKP hanya untuk pekerja yang di-PHK dan memenuhi syarat masa iuran; bulan kedua dan seterusnya mensyaratkan upaya mencari kerja\.$",
     "JKP cash is only for laid-off workers who meet the contribution period; from the second month on, a job search is required."),
    (r"^Tunggakan (\d+) bulan dihitung (\d+) bulan \(paling banyak \d+ bulan\)\.$", r"Arrears of \1 months count as \2 months (the most counted)."),
    (r"^Hasil hitungan (Rp[\d.]+) dibatasi denda paling tinggi (Rp[\d.]+)\.$", r"The computed \1 is capped at the maximum penalty \2."),
    (r"^Tanpa tunggakan iuran tidak ada denda pelayanan\.$", "Without arrears there is no service penalty."),
    (r"^Denda hanya dikenakan bila rawat inap terjadi dalam 45 hari sejak kepesertaan aktif kembali; untuk karyawan \(PPU\) denda ditanggung pemberi kerja\.$",
     "The penalty applies only to an inpatient stay within 45 days of the membership becoming active again; for employees (PPU) the employer bears it."),
    (r"^Syarat: masa kepesertaan paling singkat (\d+) tahun; klaim sebagian hanya bisa sekali selama menjadi peserta\.$",
     r"Condition: at least \1 years of membership; a partial claim can be made only once."),
    (r"^Belum bisa: masa kepesertaan baru (\d+) tahun, syarat paling singkat (\d+) tahun\.$",
     r"Not yet: \1 years of membership, at least \2 are required."),
    (r"^Beasiswa anak dan santunan kecelakaan kerja \(JKK\) diatur terpisah dan tidak termasuk di sini\.$",
     "Children's scholarships and work-accident (JKK) benefits are separate and not included here."),
    (r"^(\S+) dari penghasilan \((Rp[\d.]+)\) kurang dari iuran paling sedikit", r"\1 of the income (\2) is below the minimum contribution"),
    (r"^(\S+) dari penghasilan \((Rp[\d.]+)\) melebihi iuran paling banyak", r"\1 of the income (\2) is above the maximum contribution"),
    (r"^[Uu]pah (Rp[\d.]+) dibatasi batas upah (\w+) (Rp[\d.]+)", r"Wage \1 capped at the \2 wage cap \3"),
    (r"^[Uu]pah (Rp[\d.]+) di bawah upah minimum: dihitung dari (Rp[\d.]+)", r"Wage \1 is below the minimum wage: computed on \2"),
    (r"^[Dd]ibatasi (Rp[\d.]+) \((\S+)\)", r"Capped at \1 (\2)"),
    (r"^[Mm]asa kepesertaan (\d+) tahun, belum (\d+) tahun", r"\1 years of membership, not yet \2"),
    # line labels
    (r", bagian pemberi kerja", ", employer's share"),
    (r", dipotong dari gaji", ", deducted from salary"),
    (r", bagian pemerintah pusat", ", central government's share"),
    (r"\(kelompok risiko (\d)\)", r"(risk group \1)"),
    (r"^JKN keluarga tambahan", "JKN extra family members"),
    (r", dibayar peserta$", ", paid by the member"),
    (r", bantuan pemerintah$", ", government subsidy"),
    (r"\(iuran paling sedikit\)", "(minimum contribution)"),
    (r"\(iuran paling banyak\)", "(maximum contribution)"),
    (r"^JHT \(pilihan\)$", "JHT (optional)"),
    (r"^Keringanan iuran JKK dan JKM \(di luar sektor transportasi\): dibayar (\S+)$", r"Relief on JKK and JKM (other sectors): \1 paid"),
    (r"^Keringanan iuran JKK dan JKM \(sektor transportasi\): dibayar (\S+)$", r"Relief on JKK and JKM (transport sector): \1 paid"),
    (r"^Keringanan iuran JKK dan JKM \(semua sektor\): dibayar (\S+)$", r"Relief on JKK and JKM (all sectors): \1 paid"),
    (r"^Bulan (\d+-\d+):", r"Months \1:"),
    (r"^Kelas (I+) x ", r"Class \1 x "),
    (r" per bulan$", " per month"),
    (r"^Klaim JHT sebagian untuk kepemilikan rumah$", "JHT partial claim for a house"),
    (r"^Klaim JHT sebagian untuk persiapan pensiun$", "JHT partial claim for retirement preparation"),
    (r"^Santunan kematian sekaligus$", "Lump-sum death benefit"),
    (r"^Santunan berkala \(24 bulan, dibayar sekaligus\)$", "Periodic benefit (24 months, paid at once)"),
    (r"^Biaya pemakaman$", "Funeral costs"),
    # words
    (r"\b(\d+) orang\b", r"\1 persons"),
    (r"\b1 persons\b", "1 person"),
    (r"\b(\d+) bulan\b", r"\1 months"),
    (r"\b(\d+) tahun\b", r"\1 years"),
    (r" sampai ", " to "),
    (r"\bJanuari\b", "January"), (r"\bFebruari\b", "February"), (r"\bMaret\b", "March"), (r"\bMei\b", "May"),
    (r"\bJuni\b", "June"), (r"\bJuli\b", "July"), (r"\bAgustus\b", "August"), (r"\bOktober\b", "October"),
    (r"\bDesember\b", "December"),
)  # fmt: skip
HITUNG_EN_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in _EN_PHRASES)


def ui_language(code: str | None) -> str:
    """The language of the bot's own texts for a detected or Telegram language code."""
    return "en" if (code or "").lower().startswith("en") else "id"


def t(key: str, language: str | None = "id", **values: object) -> str:
    """One UI string in the user's language (Indonesian by default), with escaped values filled in."""
    table = TEXTS[ui_language(language)]
    template = table.get(key, TEXTS["id"][key])
    return template.format(**values) if values else template
