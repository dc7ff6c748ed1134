"""Export files as bytes: content hash, encoding, line counts, the decoded head.

One streaming pass per file computes everything the loader needs before DuckDB reads it: the
sha256 content hash, whether the bytes are valid UTF-8 (else the file is Windows-1252, the
encoding Excel and most Windows tools save CSVs in), the number of physical lines and the
trailing blank lines (to check DuckDB's record count against the file's lines), and the first
lines decoded (to find the header).
"""

from __future__ import annotations

import codecs
import hashlib
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

    @property
    def is_blank(self) -> bool:
        return self.complete_head and not self.head.strip()


def scan_file(path: Path) -> FileScan:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(UTF8)()
    is_utf8 = True
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
            if is_utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            previous, last = last, chunk
        if hashed is not None:
            hashed.result()
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedEncoding("UTF-16 encoded; export the file as UTF-8 (or Windows-1252) CSV")

    complete_head = size <= HEAD_BYTES
    if not complete_head:
        head = head[: head.rfind(b"\n") + 1]
    encoding = UTF8 if is_utf8 else WINDOWS_1252
    text = head.decode("utf-8-sig") if is_utf8 else decode_windows_1252(head)
    physical_lines = newlines + (1 if size and not last.endswith(b"\n") else 0)
    return FileScan(
        content_hash=digest.hexdigest(),
        size=size,
        encoding=encoding,
        physical_lines=physical_lines,
        trailing_blank_lines=_trailing_blank_lines((previous + last)[-TAIL_BYTES:]),
        head=text,
        complete_head=complete_head,
    )


def read_head(path: Path) -> str:
    """The decoded complete lines of a file's first bytes (UTF-8, else Windows-1252), to read its header."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES + 1)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnsupportedEncoding("UTF-16 encoded; export the file as UTF-8 (or Windows-1252) CSV")
    if len(head) > HEAD_BYTES:
        head = head[: head.rfind(b"\n", 0, HEAD_BYTES) + 1]
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError:
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
