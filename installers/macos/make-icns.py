"""Packs the rendered PNGs into a macOS .icns file (usage: make-icns.py <png folder> <out.icns>).

An .icns is the magic b'icns' and the file length, then one entry per image: a four-letter type, the entry's
length (8 header bytes included) and the PNG itself. The types below are the PNG-capable ones macOS reads,
each with the pixel size it expects (the @2x types reuse the next size up).
"""
import struct
import sys
from pathlib import Path

TYPES = [  # (type, pixels)
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32),   # 16, 32, 16@2x
    (b"ic12", 64), (b"ic07", 128), (b"ic13", 256),  # 32@2x, 128, 128@2x
    (b"ic08", 256), (b"ic14", 512), (b"ic09", 512),  # 256, 256@2x, 512
]


def main(png_dir: Path, out: Path) -> None:
    entries = b""
    for kind, size in TYPES:
        png = (png_dir / f"prefwork-{size}.png").read_bytes()
        if png[:8] != b"\x89PNG\r\n\x1a\n":
            sys.exit(f"{png_dir}/prefwork-{size}.png is not a PNG")
        entries += kind + struct.pack(">I", 8 + len(png)) + png
    out.write_bytes(b"icns" + struct.pack(">I", 8 + len(entries)) + entries)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
