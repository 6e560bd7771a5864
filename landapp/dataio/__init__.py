"""Getting data in and out: readers for the files planners receive, coordinate-system
detection, one-transaction imports with a per-feature report, and exports."""
