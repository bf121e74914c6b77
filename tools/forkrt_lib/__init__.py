"""Helpers behind tools/forkrt and tools/qemu-run (stdlib only)."""
