"""Export files as bytes: content hash, encoding, line counts, the decoded head.

One streaming pass per file computes everything the loader needs before DuckDB reads it: the
sha256 content hash, the encoding, the number of physical lines and the trailing blank lines (to
check DuckDB's record count against the file's lines), whether any byte is NUL, and the first
lines decoded (to find the header).

The encoding is decided by the file as a whole: UTF-8 when it has a UTF-8 byte order mark, when
every byte sequence is valid UTF-8, or when its valid multi-byte characters are at least as many
as its invalid bytes (a UTF-8 file with a damaged record stays UTF-8, and the loader quarantines
that record); otherwise Windows-1252, the encoding Excel and most Windows tools save CSVs in,
where nearly every accented letter is an invalid UTF-8 byte and almost none forms a valid pair.
"""

from __future__ import annotations

import codecs
import hashlib
import mmap
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 1 << 24
HEAD_BYTES = 1 << 18
TAIL_BYTES = 1 << 16

UTF8 = "utf-8"
WINDOWS_1252 = "windows-1252"


def _windows_1252_table() -> str:
    """Byte -> character, Windows-1252 with its five unassigned bytes kept as the same code points."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()


def decode_windows_1252(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _WINDOWS_1252)[0]


class UnsupportedEncoding(ValueError):
    pass


@dataclass(frozen=True)
class FileScan:
    content_hash: str
    size: int
    encoding: str
    physical_lines: int
    trailing_blank_lines: int
    head: str
    complete_head: bool
    has_nul: bool = False

    @property
    def is_blank(self) -> bool:
        return self.complete_head and not self.head.strip()


def scan_file(path: Path) -> FileScan:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(UTF8)(errors="replace")
    valid_multibyte = invalid = 0
    has_nul = False
    newlines = size = 0
    head = b""
    previous = last = b""
    # sha256 releases the GIL on large buffers: hash each chunk in a second thread while this one
    # counts lines and checks UTF-8 (ASCII chunks need no decoding). Updates stay in file order.
    with open(path, "rb") as f, ThreadPoolExecutor(max_workers=1) as hasher:
        hashed = None
        while chunk := f.read(CHUNK_BYTES):
            if hashed is not None:
                hashed.result()
            hashed = hasher.submit(digest.update, chunk)
            newlines += chunk.count(b"\n")
            size += len(chunk)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            has_nul = has_nul or b"\x00" in chunk
            if not (chunk.isascii() and not decoder.getstate()[0]):
                counts = _utf8_counts(decoder.decode(chunk), chunk)
                valid_multibyte, invalid = valid_multibyte + counts[0], invalid + counts[1]
            previous, last = last, chunk
        if hashed is not None:
            hashed.result()
    counts = _utf8_counts(decoder.decode(b"", final=True), b"")
    valid_multibyte, invalid = valid_multibyte + counts[0], invalid + counts[1]
    is_utf8 = head.startswith(codecs.BOM_UTF8) or invalid == 0 or valid_multibyte >= invalid
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedEncoding("UTF-16 encoded; export the file as UTF-8 (or Windows-1252) CSV")

    complete_head = size <= HEAD_BYTES
    if not complete_head:
        head = head[: head.rfind(b"\n") + 1]
    encoding = UTF8 if is_utf8 else WINDOWS_1252
    text = head.decode("utf-8-sig", errors="replace") if is_utf8 else decode_windows_1252(head)
    physical_lines = newlines + (1 if size and not last.endswith(b"\n") else 0)
    return FileScan(
        content_hash=digest.hexdigest(),
        size=size,
        encoding=encoding,
        physical_lines=physical_lines,
        trailing_blank_lines=_trailing_blank_lines((previous + last)[-TAIL_BYTES:]),
        head=text,
        complete_head=complete_head,
        has_nul=has_nul,
    )


def _utf8_counts(decoded: str, raw: bytes) -> tuple[int, int]:
    """(valid multi-byte characters, invalid sequences) in ``decoded``, decoded with U+FFFD for each
    invalid sequence; a U+FFFD the file itself holds (as valid UTF-8) is not invalid."""
    replaced = decoded.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    non_ascii = len(decoded) - len(decoded.encode("ascii", "ignore"))
    return non_ascii - max(replaced, 0), max(replaced, 0)


def read_head(path: Path) -> str:
    """The decoded complete lines of a file's first bytes (UTF-8, else Windows-1252), to read its header."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES + 1)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedEncoding("UTF-16 encoded; export the file as UTF-8 (or Windows-1252) CSV")
    if len(head) > HEAD_BYTES:
        head = head[: head.rfind(b"\n", 0, HEAD_BYTES) + 1]
    # The same rule as scan_file, over the head: one bad byte does not make a UTF-8 head Windows-1252.
    decoded = head.decode("utf-8-sig", errors="replace")
    valid_multibyte, invalid = _utf8_counts(decoded, head)
    if head.startswith(codecs.BOM_UTF8) or invalid == 0 or valid_multibyte >= invalid:
        return decoded
    return decode_windows_1252(head)


def _trailing_blank_lines(tail: bytes) -> int:
    if tail.endswith(b"\n"):
        tail = tail[:-1]
    count = 0
    for line in reversed(tail.split(b"\n")):
        if line.strip(b"\r"):
            break
        count += 1
    return count


def transcode_to_utf8(source: Path, target: Path) -> Path:
    """Stream a Windows-1252 file into a UTF-8 copy; line structure and content are unchanged."""
    with open(source, "rb") as src, open(target, "w", encoding=UTF8, newline="") as dst:
        while chunk := src.read(CHUNK_BYTES):
            dst.write(decode_windows_1252(chunk))
    return target


def link_or_copy(source: Path, target: Path) -> Path:
    """A path DuckDB can read without interpreting glob characters in the original name."""
    try:
        target.symlink_to(source.resolve())
    except OSError:
        shutil.copyfile(source, target)
    return target


def blank_records(source: Path, target: Path, records: list[tuple[int, int]]) -> list[int]:
    """Copy ``source`` to ``target`` with each record replaced by as many empty lines as it spans.

    ``records`` are (DuckDB's ``line_byte_position``, physical lines the record spans), in file order.
    DuckDB's position is the record's first byte, the byte after it, or a newline of the blank lines
    just before it; the record starts at the first byte from one before the position on that is not
    a line break (a record never starts with one: the CSV reader skips blank lines). Every other byte
    is copied as is, so line numbers are unchanged.
    Returns each record's first physical line (1-based). The loop runs once per record set aside,
    never per line of the file.
    """
    first_lines: list[int] = []
    with open(source, "rb") as src, open(target, "wb") as out:
        size = os.fstat(src.fileno()).st_size
        if size == 0:
            return [1 for _ in records]
        with mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ) as data:
            position, line = 0, 1
            for hint, span in records:
                start = max(hint - 1, position)
                while start < size and data[start] in (10, 13):
                    start += 1
                line += _count_newlines(data, position, start)
                first_lines.append(line)
                _copy(data, out, position, start)
                end = start
                for _ in range(max(span, 1)):
                    found = data.find(b"\n", end)
                    end = size if found < 0 else found + 1
                    if found < 0:
                        break
                emptied = _count_newlines(data, start, end)
                # Each emptied line ends as the record's lines did, so the file keeps one line-ending style.
                crlf = emptied and data.find(b"\r\n", end - 2, end) >= 0
                out.write((b"\r\n" if crlf else b"\n") * emptied)
                line += emptied
                position = end
            _copy(data, out, position, size)
    return first_lines


def _count_newlines(data, start: int, stop: int) -> int:
    return sum(data[i:min(i + CHUNK_BYTES, stop)].count(b"\n") for i in range(start, stop, CHUNK_BYTES))


def _copy(data, out, start: int, stop: int) -> None:
    for i in range(start, stop, CHUNK_BYTES):
        out.write(data[i:min(i + CHUNK_BYTES, stop)])
