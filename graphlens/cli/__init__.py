"""The `graphlens` command: show, pp, debugprint, trace, diff and gallery on model files."""
