"""The one way the board reaches other servers: SSRF-safe, time- and size-capped HTTP."""
