"""What may be shown: the leak guard (no system-prompt lines, no canary) and sanitising (no raw
HTML, links only to allowed hosts). Applied to everything a learner sees, drafts included."""
