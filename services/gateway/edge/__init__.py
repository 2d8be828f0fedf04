"""What every request passes before a route runs: API keys, rate limits, load shedding, headers."""
