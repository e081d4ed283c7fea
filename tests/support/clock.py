"""The tests' one moment: when every fake clock starts, and the production's date then.

2021-10-21 09:00 in America/Denver (the demo production's zone; 15:00 UTC), so the demo's
day and every rule that reads the local date agree across unit, integration and API tests.
"""

from __future__ import annotations

START_US = 1_634_828_400_000_000  # 2021-10-21 09:00 in America/Denver
TODAY = "2021-10-21"  # the production's local date at START_US
SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
