"""CLI command modules; each has register(subparsers). Discovered by landapp.cli."""
