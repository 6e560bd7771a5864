"""Map tools: objects that turn canvas events into actions (pan, zoom box, identify,
select, and the editing tools). They take neutral MapEvents, so tests need no mouse."""
