"""Host memory and CPU use, read from /proc (Linux), for the saturation alerts."""

from __future__ import annotations

from pathlib import Path


def memory_percent(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    try:
        fields = {
            line.split(":")[0]: int(line.split()[1]) for line in meminfo.read_text().splitlines()
        }
        total, available = fields["MemTotal"], fields["MemAvailable"]
    except (OSError, KeyError, ValueError, IndexError):
        return None
    return round(100.0 * (total - available) / total, 1) if total else None


class CpuMeter:
    """Busy share of all CPUs between two readings of /proc/stat."""

    def __init__(self, stat: Path = Path("/proc/stat")) -> None:
        self.stat = stat
        self._last: tuple[int, int] | None = None

    def _read(self) -> tuple[int, int] | None:
        try:
            values = [int(v) for v in self.stat.read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return None
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values), idle

    def percent(self) -> float | None:
        now = self._read()
        last, self._last = self._last, now
        if now is None or last is None or now[0] == last[0]:
            return None
        total, idle = now[0] - last[0], now[1] - last[1]
        return round(100.0 * (total - idle) / total, 1)
